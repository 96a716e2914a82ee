import { Module } from '@nestjs/common';
import { IdentityEventsConsumer } from './consumers/identity.consumer';
import { IdentityMembershipsClient } from './identity.client';
import { MembershipsRepository } from './memberships.repository';
import { MembershipsService } from './memberships.service';

/** The projection of identity's organization memberships. */
@Module({
  controllers: [IdentityEventsConsumer],
  providers: [MembershipsRepository, MembershipsService, IdentityMembershipsClient],
  exports: [MembershipsService, IdentityMembershipsClient],
})
export class MembershipsModule {}
