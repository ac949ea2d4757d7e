import { Module } from '@nestjs/common';

import { ReadinessRequeueModule } from '../readiness-requeue/readiness-requeue.module.js';
import { AgentTokensController } from './agent-tokens.controller.js';
import { AgentTokensRepository } from './agent-tokens.repository.js';
import { AgentTokensService } from './agent-tokens.service.js';
import { ClustersController } from './clusters.controller.js';
import { ClustersRepository } from './clusters.repository.js';
import { ClustersService } from './clusters.service.js';

/** Clusters and the agent tokens they are reached with. */
@Module({
  imports: [ReadinessRequeueModule],
  controllers: [ClustersController, AgentTokensController],
  providers: [ClustersService, ClustersRepository, AgentTokensService, AgentTokensRepository],
})
export class ClustersModule {}
