import { Module } from '@nestjs/common';
import { OrganizationEventsConsumer } from './consumers/organizations.consumer';
import { OrganizationDomainsRepository } from './organization-domains.repository';

/** Organizations' domains as radar sees them (organizations.events.v1), for unverified_domain. */
@Module({ controllers: [OrganizationEventsConsumer], providers: [OrganizationDomainsRepository] })
export class OrganizationDomainsModule {}
