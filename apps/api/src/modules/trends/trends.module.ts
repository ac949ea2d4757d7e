import { Module } from '@nestjs/common';

import { TrendsController } from './trends.controller.js';
import { TrendsRepository } from './trends.repository.js';
import { TrendsService } from './trends.service.js';

// TrendsService is exported for the recommendation's estimated ready date (one computation for both answers).
@Module({ controllers: [TrendsController], providers: [TrendsService, TrendsRepository], exports: [TrendsService] })
export class TrendsModule {}
