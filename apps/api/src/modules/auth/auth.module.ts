import { Module } from '@nestjs/common';

import { AccountRepository } from './account.repository.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { LoginThrottle } from './login-throttle.service.js';

/** Accounts: sign-up, login and logout, the signed-in user, and their sessions. */
@Module({ controllers: [AuthController], providers: [AuthService, AccountRepository, LoginThrottle] })
export class AuthModule {}
