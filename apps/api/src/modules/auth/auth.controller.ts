import { Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { LoginRequest, Me, SessionParams, SignUpRequest, UserSessionList } from '@ratchet/contracts';
import type { Response } from 'express';

import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input } from '../../common/http/input.decorator.js';
import type { RatchetRequest } from '../../common/http/validated-request.js';
import { Account } from './account.decorator.js';
import type { AccountContext } from './account.decorator.js';
import { AuthService } from './auth.service.js';
import { sessionClient } from './session-token.util.js';

const TAG = 'auth';

@Controller('api/v1')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/signup')
  @Endpoint({
    summary: 'Create an account and the organization it owns; signs in',
    tag: TAG,
    auth: 'public',
    body: SignUpRequest,
    response: Me,
    rateLimit: 'login',
  })
  async signUp(@Input('body') body: SignUpRequest, @Req() request: RatchetRequest, @Res({ passthrough: true }) response: Response): Promise<Me> {
    const { me, setCookie } = await this.auth.signUp(body, sessionClient(request.ip, request.headers['user-agent']));
    response.setHeader('Set-Cookie', setCookie);
    return me;
  }

  @Post('auth/login')
  @HttpCode(200)
  @Endpoint({ summary: 'Sign in with email and password', tag: TAG, auth: 'public', body: LoginRequest, response: Me, status: 200, rateLimit: 'login' })
  async login(@Input('body') body: LoginRequest, @Req() request: RatchetRequest, @Res({ passthrough: true }) response: Response): Promise<Me> {
    const { me, setCookie } = await this.auth.login(body, sessionClient(request.ip, request.headers['user-agent']));
    response.setHeader('Set-Cookie', setCookie);
    return me;
  }

  @Post('auth/logout')
  @HttpCode(204)
  @Endpoint({ summary: 'Sign out: revoke the current session and clear its cookie', tag: TAG, auth: 'account', status: 204 })
  async logout(@Account() account: AccountContext, @Res({ passthrough: true }) response: Response): Promise<void> {
    response.setHeader('Set-Cookie', await this.auth.logout(account));
  }

  @Get('me')
  @Endpoint({ summary: 'The signed-in user and their organizations', tag: TAG, auth: 'account', response: Me })
  me(@Account() account: AccountContext): Promise<Me> {
    return this.auth.me(account);
  }

  @Get('auth/sessions')
  @Endpoint({ summary: "The signed-in user's live sessions", tag: TAG, auth: 'account', response: UserSessionList })
  sessions(@Account() account: AccountContext): Promise<UserSessionList> {
    return this.auth.sessions(account);
  }

  @Delete('auth/sessions/:sessionId')
  @HttpCode(204)
  @Endpoint({ summary: 'Revoke one of your sessions', tag: TAG, auth: 'account', params: SessionParams, status: 204 })
  revokeSession(@Account() account: AccountContext, @Input('params') params: SessionParams): Promise<void> {
    return this.auth.revokeSession(account, params.sessionId);
  }
}
