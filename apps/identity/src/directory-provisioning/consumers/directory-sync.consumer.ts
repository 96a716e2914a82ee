import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { LOGGER, type ConsumedEvent, type Logger } from '@wos/platform';
import { deletedDirectoryEventSchema, directoryGroupSchema, directoryMembershipEventSchema, directoryUserSchema } from '@wos/contracts';
import { DirectoryGroupsService } from '../directory-groups.service';
import { DirectoryProvisioningService } from '../directory-provisioning.service';

/**
 * directory-sync.events.v1: directory users become AuthKit users and memberships where their
 * directory turned provisioning on, and its groups organization groups where it turned `groups` on. Idempotent through the inbox (the service's transaction claims
 * the event id); a message it cannot apply is dead-lettered by the kit's transport. Events of one
 * organization share a partition, so a user's changes arrive in the order they were made.
 */
@Controller()
export class DirectorySyncEventsConsumer {
  private readonly log: Logger;

  constructor(
    @Inject(LOGGER) logger: Logger,
    private readonly provisioning: DirectoryProvisioningService,
    private readonly groups: DirectoryGroupsService,
  ) {
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
    await this.groups.directoryDeleted(e.envelope.environment_id, d.id);
  }

  @EventPattern('dsync.group.created')
  groupCreated(@Payload() e: ConsumedEvent): Promise<void> {
    return this.logged(e, this.groups.changed(e.envelope.environment_id, directoryGroupSchema.parse(e.envelope.data)));
  }

  @EventPattern('dsync.group.updated')
  groupUpdated(@Payload() e: ConsumedEvent): Promise<void> {
    return this.logged(e, this.groups.changed(e.envelope.environment_id, directoryGroupSchema.parse(e.envelope.data)));
  }

  @EventPattern('dsync.group.deleted')
  groupDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    return this.logged(e, this.groups.deleted(e.envelope.environment_id, directoryGroupSchema.parse(e.envelope.data)));
  }

  @EventPattern('dsync.group.user_added')
  userAdded(@Payload() e: ConsumedEvent): Promise<void> {
    const m = directoryMembershipEventSchema.parse(e.envelope.data);
    return this.logged(e, this.groups.member(e.envelope.environment_id, m.group, m.user, 'added'));
  }

  @EventPattern('dsync.group.user_removed')
  userRemoved(@Payload() e: ConsumedEvent): Promise<void> {
    const m = directoryMembershipEventSchema.parse(e.envelope.data);
    return this.logged(e, this.groups.member(e.envelope.environment_id, m.group, m.user, 'removed'));
  }

  private async logged(e: ConsumedEvent, outcome: Promise<string>): Promise<void> {
    const o = await outcome;
    if (o !== 'group_sync_off') this.log.debug({ event: e.envelope.event, event_id: e.envelope.id, outcome: o }, 'directory group sync');
  }

  private async user(e: ConsumedEvent, presence: 'present' | 'absent'): Promise<void> {
    const u = directoryUserSchema.parse(e.envelope.data);
    const outcome = await this.provisioning.apply(e.envelope.environment_id, e.envelope.id, u, presence);
    if (outcome !== 'provisioning_off' && outcome !== 'duplicate') this.log.debug({ directory_user_id: u.id, outcome }, 'directory provisioning');
  }
}
