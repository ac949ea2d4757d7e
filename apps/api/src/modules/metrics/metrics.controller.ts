import { Controller, Get, Header } from '@nestjs/common';

import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { ApiMetrics } from './metrics.registry.js';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: ApiMetrics) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Endpoint({ summary: 'Prometheus metrics', tag: 'health', auth: 'public', produces: 'text/plain' })
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
