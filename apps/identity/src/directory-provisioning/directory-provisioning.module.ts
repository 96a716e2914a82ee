import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { RoleClaimsModule } from '../role-claims/role-claims.module';
import { DirectorySyncEventsConsumer } from './consumers/directory-sync.consumer';
import { DirectoryProvisioningService } from './directory-provisioning.service';
import { DirectorySyncClient } from './directory-sync.client';
import { DirectoryUserLinksRepository } from './directory-user-links.repository';

/** AuthKit users and memberships provisioned from directories (dsync.user.* events). */
@Module({
  imports: [UsersModule, MembershipsModule, RoleClaimsModule],
  controllers: [DirectorySyncEventsConsumer],
  providers: [DirectoryProvisioningService, DirectorySyncClient, DirectoryUserLinksRepository],
})
export class DirectoryProvisioningModule {}
