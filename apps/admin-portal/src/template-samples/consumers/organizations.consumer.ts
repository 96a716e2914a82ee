import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { LOGGER, type ConsumedEvent, type Logger } from '@wos/platform';
import { TemplateSamplesService } from '../template-samples.service';

/**
 * organizations.events.v1 through the kit's transport: a deleted organization's samples go with
 * it. Idempotent through the inbox (the effect's transaction records the event id).
 */
@Controller()
export class OrganizationEventsConsumer {
  private readonly log: Logger;

  constructor(@Inject(LOGGER) logger: Logger, private readonly samples: TemplateSamplesService) {
    this.log = logger.child({ context: OrganizationEventsConsumer.name });
  }

  @EventPattern('organization.deleted')
  async organizationDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    const deleted = await this.samples.deleteForDeletedOrganization(e.envelope.environment_id, String(e.envelope.data.id), e.envelope.id);
    if (deleted.length) this.log.info({ organization_id: e.envelope.data.id, template_samples: deleted }, 'deleted the template samples of a deleted organization');
  }
}
