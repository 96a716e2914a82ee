import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { LOGGER, type ConsumedEvent, type Logger } from '@wos/platform';
import { DirectoryUsersRepository } from '../directory-users.repository';

const CONSUMER = 'radar.directory-users';

/**
 * directory-sync.events.v1 through the kit's transport: the state of each directory user, for the
 * directory_inactive control. Idempotent through the inbox, in the upsert's transaction.
 */
@Controller()
export class DirectorySyncEventsConsumer {
  private readonly log: Logger;

  constructor(@Inject(LOGGER) logger: Logger, private readonly users: DirectoryUsersRepository) {
    this.log = logger.child({ context: DirectorySyncEventsConsumer.name });
  }

  @EventPattern('dsync.user.created')
  created(@Payload() e: ConsumedEvent): Promise<void> {
    return this.apply(e, false);
  }

  @EventPattern('dsync.user.updated')
  updated(@Payload() e: ConsumedEvent): Promise<void> {
    return this.apply(e, false);
  }

  @EventPattern('dsync.user.deleted')
  deleted(@Payload() e: ConsumedEvent): Promise<void> {
    return this.apply(e, true);
  }

  private async apply(e: ConsumedEvent, deleted: boolean): Promise<void> {
    const d = e.envelope.data as { id: string; email: string | null; state: string; updated_at: string };
    const fact = { directoryUserId: String(d.id), email: d.email ?? null, state: deleted ? 'deleted' : String(d.state), updatedAt: new Date(deleted ? e.envelope.created_at : d.updated_at) };
    if (await this.users.apply(e.envelope.environment_id, fact, { consumer: CONSUMER, eventId: e.envelope.id })) {
      if (fact.state !== 'active') this.log.info({ directory_user_id: fact.directoryUserId, state: fact.state }, 'directory user no longer active: its sign-ins are refused');
    }
  }
}
