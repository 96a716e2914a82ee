import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { LOGGER, type ConsumedEvent, type Logger } from '@wos/platform';
import { roleEvent } from '../../catalogue/catalogue.events';
import { groupEvent } from '../../groups/groups.events';
import { OrganizationCleanupRepository } from '../organization-cleanup.repository';
import { KnownOrganizationsClient } from '../organizations.client';

/**
 * organizations.events.v1: a deleted organization's resources, groups and organization roles go
 * with it (its memberships go through identity's organization_membership.deleted events).
 * Idempotent through the inbox, in the effect's transaction.
 */
@Controller()
export class OrganizationEventsConsumer {
  private readonly log: Logger;

  constructor(
    @Inject(LOGGER) logger: Logger,
    private readonly cleanup: OrganizationCleanupRepository,
    private readonly organizations: KnownOrganizationsClient,
  ) {
    this.log = logger.child({ context: OrganizationEventsConsumer.name });
  }

  @EventPattern('organization.deleted')
  async organizationDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    const env = e.envelope.environment_id;
    const organizationId = String(e.envelope.data.id);
    this.organizations.forget(env, organizationId);
    const removed = await this.cleanup.removeOrganization(env, organizationId, { consumer: 'authorization.organization-deleted', eventId: e.envelope.id }, (r) => [
      ...r.groups.map((g) => groupEvent('deleted', g, env)),
      ...r.roles.map((role) => roleEvent('deleted', role, env)),
    ]);
    if (removed && (removed.resources || removed.groups.length || removed.roles.length)) {
      this.log.info({ organization_id: organizationId, resources: removed.resources, groups: removed.groups.length, roles: removed.roles.length }, 'removed a deleted organization');
    }
  }
}
