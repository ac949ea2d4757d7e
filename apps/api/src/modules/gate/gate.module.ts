import { Module } from '@nestjs/common';

import { WhatIfModule } from '../what-if/what-if.module.js';
import { GateController } from './gate.controller.js';
import { GateRepository } from './gate.repository.js';
import { GateService } from './gate.service.js';

@Module({ imports: [WhatIfModule], controllers: [GateController], providers: [GateService, GateRepository] })
export class GateModule {}
