import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { Liveness, ReadinessReport } from '@ratchet/contracts';
import type { Response } from 'express';

import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { HealthService } from './health.service.js';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @HttpCode(200)
  @Endpoint({ summary: 'The process is up', tag: 'health', auth: 'public', response: Liveness })
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @Endpoint({ summary: 'This replica can serve (Postgres answers); 503 otherwise. Reasons go to the log only', tag: 'health', auth: 'public', response: ReadinessReport, responses: { 503: ReadinessReport } })
  async readiness(@Res({ passthrough: true }) response: Response) {
    const report = await this.health.readiness();
    response.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
