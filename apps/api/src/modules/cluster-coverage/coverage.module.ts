import { Module } from '@nestjs/common';

import { CoverageController } from './coverage.controller.js';
import { CoverageRepository } from './coverage.repository.js';
import { CoverageService } from './coverage.service.js';

/** What Pod Security covers in a cluster, shown and never read as compliance. */
@Module({
  controllers: [CoverageController],
  providers: [CoverageService, CoverageRepository],
})
export class CoverageModule {}
