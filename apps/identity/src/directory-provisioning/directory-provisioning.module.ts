import { Module } from '@nestjs/common';
import { AuthorizationClient, internalAuthKeyFor } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { UsersModule } from '../users/users.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { RoleClaimsModule } from '../role-claims/role-claims.module';
import { DirectorySyncEventsConsumer } from './consumers/directory-sync.consumer';
import { DirectoryGroupsService } from './directory-groups.service';
import { DirectoryProvisioningService } from './directory-provisioning.service';
import { DirectorySyncClient } from './directory-sync.client';
import { DirectoryUserLinksRepository } from './directory-user-links.repository';

/** AuthKit users and memberships provisioned from directories (dsync.user.* events), and their groups (dsync.group.*). */
@Module({
  imports: [UsersModule, MembershipsModule, RoleClaimsModule],
  controllers: [DirectorySyncEventsConsumer],
  providers: [
    DirectoryProvisioningService,
    DirectoryGroupsService,
    DirectorySyncClient,
    DirectoryUserLinksRepository,
    // Absent where authorization is not deployed: directory groups are not kept then.
    {
      provide: AuthorizationClient,
      useFactory: (c: AppConfig) => (c.AUTHORIZATION_URL ? new AuthorizationClient(c.AUTHORIZATION_URL, internalAuthKeyFor(c, 'authorization')) : null),
      inject: [APP_CONFIG],
    },
  ],
})
export class DirectoryProvisioningModule {}
