import { Module } from '@nestjs/common';
import { EmailFlowsModule } from '../email-flows/email-flows.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { UsersModule } from '../users/users.module';
import { InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';

/** Exports InvitationsService (acceptByToken for grants that carry `invitation_token`). */
@Module({
  imports: [EmailFlowsModule, UsersModule, MembershipsModule],
  controllers: [InvitationsController],
  providers: [InvitationsRepository, InvitationsService],
  exports: [InvitationsService],
})
export class InvitationsModule {}
