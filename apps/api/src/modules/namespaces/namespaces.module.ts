import { Module } from '@nestjs/common';

import { NamespacesController } from './namespaces.controller.js';
import { NamespacesRepository } from './namespaces.repository.js';
import { NamespacesService } from './namespaces.service.js';

@Module({ controllers: [NamespacesController], providers: [NamespacesService, NamespacesRepository] })
export class NamespacesModule {}
