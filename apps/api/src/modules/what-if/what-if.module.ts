import { Module } from '@nestjs/common';

import { IngestModule } from '../ingest/ingest.module.js';
import { WhatIfController } from './what-if.controller.js';
import { WhatIfRepository } from './what-if.repository.js';
import { WhatIfService } from './what-if.service.js';

/** What-if over the stored inventory and verdicts; its service also answers the gate and drift. */
@Module({ imports: [IngestModule], controllers: [WhatIfController], providers: [WhatIfService, WhatIfRepository], exports: [WhatIfService] })
export class WhatIfModule {}
