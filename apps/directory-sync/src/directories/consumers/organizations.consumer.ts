import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { LOGGER, type ConsumedEvent, type Logger } from '@wos/platform';
import { DirectoriesService } from '../directories.service';

/**
 * organizations.events.v1: a deleted organization's directories go with it. The handler is
 * idempotent through the inbox (the effect's transaction records the event id), so a redelivered
 * chunk changes nothing; a message it cannot apply is dead-lettered by the kit's transport.
 */
@Controller()
export class OrganizationEventsConsumer {
  private readonly log: Logger;

  constructor(@Inject(LOGGER) logger: Logger, private readonly directories: DirectoriesService) {
    this.log = logger.child({ context: OrganizationEventsConsumer.name });
  }

  @EventPattern('organization.deleted')
  async organizationDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    const deleted = await this.directories.deleteForDeletedOrganization(e.envelope.environment_id, String(e.envelope.data.id), e.envelope.id);
    if (deleted) this.log.info({ organization_id: e.envelope.data.id, directories: deleted }, 'removed the directories of a deleted organization');
  }
}
