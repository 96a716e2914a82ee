import { Module } from '@nestjs/common';
import { AuthkitSettingsModule } from '../authkit/branding/authkit-settings.module';
import { EmailFlowsModule } from '../email-flows/email-flows.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { UsersModule } from '../users/users.module';
import { RedirectUrisClient } from '../sessions/redirect-uris.client';
import { InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';

/** Exports InvitationsService (acceptByToken for grants that carry `invitation_token`). */
@Module({
  imports: [EmailFlowsModule, UsersModule, MembershipsModule, AuthkitSettingsModule],
  controllers: [InvitationsController],
  providers: [InvitationsRepository, InvitationsService, RedirectUrisClient],
  exports: [InvitationsService],
})
export class InvitationsModule {}
