import { Module } from '@nestjs/common';

import { FindingsModule } from '../findings/findings.module.js';
import { WorkloadsController } from './workloads.controller.js';
import { WorkloadsRepository } from './workloads.repository.js';
import { WorkloadsService } from './workloads.service.js';

@Module({ imports: [FindingsModule], controllers: [WorkloadsController], providers: [WorkloadsService, WorkloadsRepository] })
export class WorkloadsModule {}
