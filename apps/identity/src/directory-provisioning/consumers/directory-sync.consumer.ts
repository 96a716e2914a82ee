import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { LOGGER, type ConsumedEvent, type Logger } from '@wos/platform';
import { deletedDirectoryEventSchema, directoryUserSchema } from '@wos/contracts';
import { DirectoryProvisioningService } from '../directory-provisioning.service';

/**
 * directory-sync.events.v1: directory users become AuthKit users and memberships where their
 * directory turned provisioning on. Idempotent through the inbox (the service's transaction claims
 * the event id); a message it cannot apply is dead-lettered by the kit's transport. Events of one
 * organization share a partition, so a user's changes arrive in the order they were made.
 */
@Controller()
export class DirectorySyncEventsConsumer {
  private readonly log: Logger;

  constructor(@Inject(LOGGER) logger: Logger, private readonly provisioning: DirectoryProvisioningService) {
    this.log = logger.child({ context: DirectorySyncEventsConsumer.name });
  }

  @EventPattern('dsync.user.created')
  created(@Payload() e: ConsumedEvent): Promise<void> {
    return this.user(e, 'present');
  }

  @EventPattern('dsync.user.updated')
  updated(@Payload() e: ConsumedEvent): Promise<void> {
    return this.user(e, 'present');
  }

  @EventPattern('dsync.user.deleted')
  deleted(@Payload() e: ConsumedEvent): Promise<void> {
    return this.user(e, 'absent');
  }

  @EventPattern('dsync.deleted')
  async directoryDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    const d = deletedDirectoryEventSchema.parse(e.envelope.data);
    const n = await this.provisioning.directoryDeleted(e.envelope.environment_id, e.envelope.id, d.id, d.organization_id);
    if (n) this.log.info({ directory_id: d.id, memberships: n }, "removed a deleted directory's memberships");
  }

  private async user(e: ConsumedEvent, presence: 'present' | 'absent'): Promise<void> {
    const u = directoryUserSchema.parse(e.envelope.data);
    const outcome = await this.provisioning.apply(e.envelope.environment_id, e.envelope.id, u, presence);
    if (outcome !== 'provisioning_off' && outcome !== 'duplicate') this.log.debug({ directory_user_id: u.id, outcome }, 'directory provisioning');
  }
}
