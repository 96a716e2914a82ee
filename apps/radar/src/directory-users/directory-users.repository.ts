import { Injectable } from '@nestjs/common';
import { claimInbox, pgExecutor, pgTransaction } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';

export interface DirectoryUserFact {
  directoryUserId: string;
  email: string | null;
  /** active | inactive | suspended, or `deleted` for dsync.user.deleted. */
  state: string;
  updatedAt: Date;
}

/** Radar's projection of Directory Sync users (read on the hot path by AttemptsRepository.accountHistory). */
@Injectable()
export class DirectoryUsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Applies one consumed event: the inbox row and the upsert commit together, so a redelivery
   * changes nothing; an event older than the stored row (updated_at) does not overwrite it.
   */
  async apply(environmentId: string, fact: DirectoryUserFact, inbox: { consumer: string; eventId: string }): Promise<boolean> {
    return pgTransaction(this.prisma.pool, async (client) => {
      if (!(await claimInbox(pgExecutor(client), inbox.consumer, inbox.eventId))) return false;
      await client.query(
        `INSERT INTO radar_directory_users (environment_id, directory_user_id, email, state, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (environment_id, directory_user_id) DO UPDATE SET email = EXCLUDED.email, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at
         WHERE radar_directory_users.updated_at <= EXCLUDED.updated_at`,
        [environmentId, fact.directoryUserId, fact.email?.toLowerCase() ?? null, fact.state, fact.updatedAt],
      );
      return true;
    });
  }
}
