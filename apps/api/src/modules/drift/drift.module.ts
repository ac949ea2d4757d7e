import { Module } from '@nestjs/common';

import { DriftController } from './drift.controller.js';
import { DriftRepository } from './drift.repository.js';
import { DriftService } from './drift.service.js';

@Module({ controllers: [DriftController], providers: [DriftService, DriftRepository] })
export class DriftModule {}
