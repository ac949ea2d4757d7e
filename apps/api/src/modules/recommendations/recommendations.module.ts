import { Module } from '@nestjs/common';

import { TrendsModule } from '../trends/trends.module.js';
import { RecommendationsController } from './recommendations.controller.js';
import { RecommendationsRepository } from './recommendations.repository.js';
import { RecommendationsService } from './recommendations.service.js';

@Module({ imports: [TrendsModule], controllers: [RecommendationsController], providers: [RecommendationsService, RecommendationsRepository] })
export class RecommendationsModule {}
