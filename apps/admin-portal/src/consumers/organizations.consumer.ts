import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { LOGGER, type ConsumedEvent, type Logger } from '@wos/platform';
import { LinksRepository } from '../links/links.repository';
import { PortalSessionCache } from '../portal/session-cache';

/**
 * organizations.events.v1: a deleted organization's portal links, sessions, test results and IT
 * contacts go with it, so no link or session outlives it. Idempotent through the inbox.
 * An organization renamed or its domains changed outside the portal drops what this replica's
 * portal sessions of it remember (PortalSessionCache), so its pages show the change at once here;
 * the group's other replicas show it within PORTAL_READ_CACHE_MS. Dropping a cache is idempotent
 * by nature, so those handlers keep no inbox row.
 */
@Controller()
export class OrganizationEventsConsumer {
  private readonly log: Logger;

  constructor(
    @Inject(LOGGER) logger: Logger,
    private readonly links: LinksRepository,
    private readonly cache: PortalSessionCache,
  ) {
    this.log = logger.child({ context: OrganizationEventsConsumer.name });
  }

  @EventPattern('organization.deleted')
  async organizationDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    if (await this.links.deleteForOrganization(e.envelope.environment_id, String(e.envelope.data.id), { consumer: 'admin-portal.organization-deleted', eventId: e.envelope.id })) {
      this.log.info({ organization_id: e.envelope.data.id }, 'removed the portal links, sessions and IT contacts of a deleted organization');
    }
  }

  @EventPattern('organization.updated')
  organizationUpdated(@Payload() e: ConsumedEvent): void {
    this.cache.dropOrganization(e.envelope.environment_id, String(e.envelope.data.id));
  }

  /* One handler for every domain event (Nest registers it once per pattern). */
  @EventPattern(['organization_domain.created', 'organization_domain.updated', 'organization_domain.deleted', 'organization_domain.verified', 'organization_domain.verification_failed'])
  domainChanged(@Payload() e: ConsumedEvent): void {
    const data = e.envelope.data as { organization_id?: unknown; organization_domain?: { organization_id?: unknown } };
    const organizationId = data.organization_id ?? data.organization_domain?.organization_id;
    if (typeof organizationId === 'string') this.cache.dropOrganization(e.envelope.environment_id, organizationId);
  }
}
