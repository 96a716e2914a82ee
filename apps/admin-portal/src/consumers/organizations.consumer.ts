import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { LOGGER, type ConsumedEvent, type Logger } from '@wos/platform';
import { LinksRepository } from '../links/links.repository';

/**
 * organizations.events.v1: a deleted organization's portal links, sessions, test results and IT
 * contacts go with it, so no link or session outlives it. Idempotent through the inbox.
 */
@Controller()
export class OrganizationEventsConsumer {
  private readonly log: Logger;

  constructor(@Inject(LOGGER) logger: Logger, private readonly links: LinksRepository) {
    this.log = logger.child({ context: OrganizationEventsConsumer.name });
  }

  @EventPattern('organization.deleted')
  async organizationDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    if (await this.links.deleteForOrganization(e.envelope.environment_id, String(e.envelope.data.id), { consumer: 'admin-portal.organization-deleted', eventId: e.envelope.id })) {
      this.log.info({ organization_id: e.envelope.data.id }, 'removed the portal links, sessions and IT contacts of a deleted organization');
    }
  }
}
