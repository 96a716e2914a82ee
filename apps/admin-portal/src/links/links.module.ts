import { Module } from '@nestjs/common';
import { UpstreamClient } from '../upstream/upstream.client';
import { OrganizationEventsConsumer } from '../consumers/organizations.consumer';
import { LinksRepository } from './links.repository';
import { LinksService } from './links.service';
import { PortalSessionCache } from '../portal/session-cache';

/** Portal links and sessions (and what the sessions' pages remember), and the clients of the services the portal drives. */
@Module({
  controllers: [OrganizationEventsConsumer],
  providers: [LinksRepository, LinksService, UpstreamClient, PortalSessionCache],
  exports: [LinksService, LinksRepository, UpstreamClient, PortalSessionCache],
})
export class LinksModule {}
