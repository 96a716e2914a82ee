import { Module } from '@nestjs/common';
import { AuthorizationClient, internalAuthKeyFor, OrganizationsClient } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { DirectoriesController } from './directories.controller';
import { DirectoryProvisioningController } from './directory-provisioning.controller';
import { DirectoriesRepository } from './directories.repository';
import { DirectoriesService } from './directories.service';
import { OrganizationEventsConsumer } from './consumers/organizations.consumer';
import { DirectoryDataRepository } from '../shared/directory-data.repository';
import { DirectoryRolesService } from '../shared/directory-roles.service';

@Module({
  controllers: [DirectoriesController, DirectoryProvisioningController, OrganizationEventsConsumer],
  providers: [
    DirectoriesRepository,
    DirectoriesService,
    DirectoryDataRepository,
    DirectoryRolesService,
    { provide: OrganizationsClient, useFactory: (c: AppConfig) => new OrganizationsClient(c.ORGANIZATIONS_URL, internalAuthKeyFor(c, 'organizations')), inject: [APP_CONFIG] },
    // Absent where authorization is not deployed: role slugs are free-form then.
    {
      provide: AuthorizationClient,
      useFactory: (c: AppConfig) => (c.AUTHORIZATION_URL ? new AuthorizationClient(c.AUTHORIZATION_URL, internalAuthKeyFor(c, 'authorization')) : null),
      inject: [APP_CONFIG],
    },
  ],
  exports: [DirectoriesService],
})
export class DirectoriesModule {}
