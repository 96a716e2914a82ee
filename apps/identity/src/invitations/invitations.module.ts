import { Module } from '@nestjs/common';
import { EmailFlowsModule } from '../email-flows/email-flows.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { internalAuthKeyFor, OrganizationsClient } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { UsersModule } from '../users/users.module';
import { InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';

/** Exports InvitationsService (acceptByToken for grants that carry `invitation_token`). */
@Module({
  imports: [EmailFlowsModule, UsersModule, MembershipsModule],
  controllers: [InvitationsController],
  providers: [
    InvitationsRepository,
    InvitationsService,
    { provide: OrganizationsClient, useFactory: (c: AppConfig) => new OrganizationsClient(c.ORGANIZATIONS_URL, internalAuthKeyFor(c, 'organizations')), inject: [APP_CONFIG] },
  ],
  exports: [InvitationsService],
})
export class InvitationsModule {}
