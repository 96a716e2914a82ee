import { Module } from '@nestjs/common';
import { OrganizationEventsConsumer } from './consumers/organizations.consumer';
import { OrganizationCleanupRepository } from './organization-cleanup.repository';
import { KnownOrganizationsClient } from './organizations.client';

/** Organizations as authorization sees them: whether one exists, and what goes when one is deleted. */
@Module({
  controllers: [OrganizationEventsConsumer],
  providers: [OrganizationCleanupRepository, KnownOrganizationsClient],
  exports: [KnownOrganizationsClient],
})
export class OrganizationsModule {}
