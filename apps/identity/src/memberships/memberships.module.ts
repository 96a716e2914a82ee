import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { MembershipsController } from './memberships.controller';
import { MembershipsRepository } from './memberships.repository';
import { MembershipsService } from './memberships.service';
import { OrganizationsClient } from './organizations.client';

/** Exports MembershipsService (active memberships for sign-in, create for invitations). */
@Module({
  imports: [UsersModule],
  controllers: [MembershipsController],
  providers: [MembershipsRepository, MembershipsService, OrganizationsClient],
  exports: [MembershipsService],
})
export class MembershipsModule {}
