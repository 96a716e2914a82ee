import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { LOGGER, type ConsumedEvent, type Logger } from '@wos/platform';
import { OrganizationOffboarding } from '../organization-offboarding.service';

/**
 * organizations.events.v1 (security review M7): a deleted organization's memberships and
 * sessions end. The handler is idempotent through the inbox (the effect's transaction records
 * the event id), so a redelivered chunk changes nothing; a message it cannot apply is
 * dead-lettered by the kit's transport.
 */
@Controller()
export class OrganizationEventsConsumer {
  private readonly log: Logger;

  constructor(@Inject(LOGGER) logger: Logger, private readonly offboarding: OrganizationOffboarding) {
    this.log = logger.child({ context: OrganizationEventsConsumer.name });
  }

  @EventPattern('organization.deleted')
  async organizationDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    const done = await this.offboarding.organizationDeleted(e.envelope.environment_id, String(e.envelope.data.id), e.envelope.id);
    if (done && (done.memberships || done.sessions)) this.log.info({ organization_id: e.envelope.data.id, ...done }, 'ended the memberships and sessions of a deleted organization');
  }
}
