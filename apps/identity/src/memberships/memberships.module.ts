import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { SessionsModule } from '../sessions/sessions.module';
import { RoleClaimsModule } from '../role-claims/role-claims.module';
import { OrganizationEventsConsumer } from './consumers/organizations.consumer';
import { OrganizationOffboarding } from './organization-offboarding.service';
import { MembershipsController } from './memberships.controller';
import { MembershipsExportController } from './memberships-export.controller';
import { MembershipsRepository } from './memberships.repository';
import { MembershipsService } from './memberships.service';
import { OrganizationsClient } from './organizations.client';

/** Exports MembershipsService (active memberships for sign-in, grants for sign-ins and invitations) and OrganizationsClient. */
@Module({
  imports: [UsersModule, SessionsModule, RoleClaimsModule],
  controllers: [MembershipsController, MembershipsExportController, OrganizationEventsConsumer],
  providers: [MembershipsRepository, MembershipsService, OrganizationsClient, OrganizationOffboarding],
  exports: [MembershipsService, OrganizationsClient],
})
export class MembershipsModule {}
