import { Module } from '@nestjs/common';
import { internalAuthKeyFor, OrganizationsClient } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { ConnectionCache } from './connection-cache';
import { ConnectionsController, SamlMetadataController } from './connections.controller';
import { ConnectionsRepository } from './connections.repository';
import { ConnectionsService } from './connections.service';
import { OrganizationEventsConsumer } from './consumers/organizations.consumer';
import { PortalViewController } from './portal-view.controller';

@Module({
  controllers: [ConnectionsController, SamlMetadataController, PortalViewController, OrganizationEventsConsumer],
  providers: [
    ConnectionCache,
    ConnectionsRepository,
    ConnectionsService,
    { provide: OrganizationsClient, useFactory: (c: AppConfig) => new OrganizationsClient(c.ORGANIZATIONS_URL, internalAuthKeyFor(c, 'organizations')), inject: [APP_CONFIG] },
  ],
  exports: [ConnectionsService, OrganizationsClient, ConnectionCache],
})
export class ConnectionsModule {}
