import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { LOGGER, type ConsumedEvent, type Logger } from '@wos/platform';
import { ConnectionsService } from '../connections.service';

/**
 * organizations.events.v1 (review M7): a deleted organization's connections go with it. The
 * handler is idempotent through the inbox (the effect's transaction records the event id).
 */
@Controller()
export class OrganizationEventsConsumer {
  private readonly log: Logger;

  constructor(@Inject(LOGGER) logger: Logger, private readonly connections: ConnectionsService) {
    this.log = logger.child({ context: OrganizationEventsConsumer.name });
  }

  @EventPattern('organization.deleted')
  async organizationDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    const deleted = await this.connections.deleteForDeletedOrganization(e.envelope.environment_id, String(e.envelope.data.id), e.envelope.id);
    if (deleted.length) this.log.info({ organization_id: e.envelope.data.id, connections: deleted }, 'deleted the connections of a deleted organization');
  }
}
