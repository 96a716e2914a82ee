import { Module } from '@nestjs/common';
import { OrganizationEventsConsumer } from './consumers/organizations.consumer';
import { OrganizationCleanupRepository } from './organization-cleanup.repository';

/** What authorization does when an organization is deleted. */
@Module({
  controllers: [OrganizationEventsConsumer],
  providers: [OrganizationCleanupRepository],
})
export class OrganizationsModule {}
