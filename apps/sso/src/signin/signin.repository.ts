import { Injectable } from '@nestjs/common';
import { newId, OUTBOX_CHANNEL, OutboxGroupAppender, outboxInsertCte, type OutboxMessage } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';

/** Profiles and sign-in events. Every method takes the environment first. */
@Injectable()
export class SignInRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly events: OutboxGroupAppender,
  ) {}

  /**
   * Upserts the (connection, idp_id) profile and appends the sign-in's events in ONE statement,
   * so a profile ID is stable across sign-ins and a success is never recorded without its event.
   */
  async upsertProfile(environmentId: string, connectionId: string, p: { idpId: string; email: string; emailVerified: boolean }, events: OutboxMessage[]): Promise<string> {
    const outbox = outboxInsertCte(events, 7);
    const text = `WITH p AS (
        INSERT INTO profiles (id, environment_id, connection_id, idp_id, email, email_verified) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (connection_id, idp_id) DO UPDATE SET email = EXCLUDED.email, email_verified = EXCLUDED.email_verified, updated_at = now()
        RETURNING id),
      ${outbox.cte}
      SELECT (SELECT id FROM p) AS id, pg_notify('${OUTBOX_CHANNEL}', '') FROM (SELECT count(*) FROM outbox_rows) AS inserted`;
    const { rows } = await this.prisma.pool.query<{ id: string }>(text, [newId('prof'), environmentId, connectionId, p.idpId, p.email, p.emailVerified, ...outbox.values]);
    return rows[0]!.id;
  }

  /** Events with nothing to commit with (a refused sign-in): shared statements (OutboxGroupAppender). */
  async appendEvents(_environmentId: string, events: OutboxMessage[]): Promise<void> {
    await this.events.append(events);
  }
}
