import { Module } from '@nestjs/common';
import { UpstreamClient } from '../upstream/upstream.client';
import { OrganizationEventsConsumer } from '../consumers/organizations.consumer';
import { LinksRepository } from './links.repository';
import { LinksService } from './links.service';

/** Portal links and sessions, and the clients of the services the portal drives. */
@Module({
  controllers: [OrganizationEventsConsumer],
  providers: [LinksRepository, LinksService, UpstreamClient],
  exports: [LinksService, LinksRepository, UpstreamClient],
})
export class LinksModule {}
