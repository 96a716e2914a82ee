import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { ConsumedEvent } from '@wos/platform';
import { RoleClaimsService } from '../role-claims.service';

/**
 * authorization.events.v1: a catalogue change invalidates the environment's cached role claims.
 * The effect (bumping a generation counter) is idempotent by nature, so no inbox row is needed:
 * a redelivery only invalidates once more.
 */
@Controller()
export class AuthorizationEventsConsumer {
  constructor(private readonly claims: RoleClaimsService) {}

  @EventPattern('role.created')
  roleCreated(@Payload() e: ConsumedEvent) {
    return this.claims.invalidate(e.envelope.environment_id);
  }
  @EventPattern('role.updated')
  roleUpdated(@Payload() e: ConsumedEvent) {
    return this.claims.invalidate(e.envelope.environment_id);
  }
  @EventPattern('role.deleted')
  roleDeleted(@Payload() e: ConsumedEvent) {
    return this.claims.invalidate(e.envelope.environment_id);
  }
  @EventPattern('organization_role.created')
  organizationRoleCreated(@Payload() e: ConsumedEvent) {
    return this.claims.invalidate(e.envelope.environment_id);
  }
  @EventPattern('organization_role.updated')
  organizationRoleUpdated(@Payload() e: ConsumedEvent) {
    return this.claims.invalidate(e.envelope.environment_id);
  }
  @EventPattern('organization_role.deleted')
  organizationRoleDeleted(@Payload() e: ConsumedEvent) {
    return this.claims.invalidate(e.envelope.environment_id);
  }
  @EventPattern('permission.deleted')
  permissionDeleted(@Payload() e: ConsumedEvent) {
    return this.claims.invalidate(e.envelope.environment_id);
  }
}
