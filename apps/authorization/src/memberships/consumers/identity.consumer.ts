import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { organizationMembershipSchema } from '@wos/contracts';
import type { ConsumedEvent } from '@wos/platform';
import { MembershipsService } from '../memberships.service';

/** identity.events.v1: organization memberships, projected idempotently (inbox in the effect's transaction). */
@Controller()
export class IdentityEventsConsumer {
  constructor(private readonly memberships: MembershipsService) {}

  @EventPattern('organization_membership.created')
  created(@Payload() e: ConsumedEvent): Promise<void> {
    return this.memberships.project(e.envelope.environment_id, organizationMembershipSchema.parse(e.envelope.data), e.envelope.id);
  }

  @EventPattern('organization_membership.updated')
  updated(@Payload() e: ConsumedEvent): Promise<void> {
    return this.memberships.project(e.envelope.environment_id, organizationMembershipSchema.parse(e.envelope.data), e.envelope.id);
  }

  @EventPattern('organization_membership.deleted')
  deleted(@Payload() e: ConsumedEvent): Promise<void> {
    return this.memberships.forget(e.envelope.environment_id, String(e.envelope.data.id), e.envelope.id);
  }
}
