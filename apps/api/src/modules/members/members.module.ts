import { Module } from '@nestjs/common';

import { InvitationMailService } from './invitation-mail.service.js';
import { InvitationsController } from './invitations.controller.js';
import { InvitationsRepository } from './invitations.repository.js';
import { InvitationsService } from './invitations.service.js';
import { MembersController } from './members.controller.js';
import { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';

/** An organization's members and their roles, and invitations to join it. */
@Module({
  controllers: [MembersController, InvitationsController],
  providers: [MembersService, MembersRepository, InvitationsService, InvitationsRepository, InvitationMailService],
})
export class MembersModule {}
