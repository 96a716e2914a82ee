import { Injectable } from '@nestjs/common';
import { appendToOutbox, pgExecutor, pgTransaction, type OutboxMessage } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { AuditEventRow } from './audit-events.dto';

export interface IdempotencyClaim {
  key: string;
  requestSha256: string;
}

export type InsertOutcome = 'created' | 'replayed' | 'key_reused';

/* Keys are honoured for 24 hours, as WorkOS documents; an older record is taken over. */
const CLAIM_KEY = `
  INSERT INTO audit_log_idempotency_keys (environment_id, key, request_sha256, event_id) VALUES ($1, $2, $3, $4)
  ON CONFLICT (environment_id, key) DO UPDATE SET request_sha256 = EXCLUDED.request_sha256, event_id = EXCLUDED.event_id, created_at = now()
    WHERE audit_log_idempotency_keys.created_at < now() - interval '24 hours'
  RETURNING event_id`;

/** The only SQL caller for audit-log events. Every method takes the environment first. */
@Injectable()
export class AuditEventsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The event, its idempotency record and its outbox row commit together (DESIGN.md rule 2).
   * A second request with the same key waits on the key's row lock until the first commits,
   * then finds it: same request, nothing written ('replayed'); another request, 'key_reused'.
   * The month's partition must exist (PartitionsService.ensureFor).
   */
  insert(environmentId: string, row: AuditEventRow, event: OutboxMessage, claim?: IdempotencyClaim): Promise<InsertOutcome> {
    return pgTransaction(this.prisma.pool, async (client) => {
      if (claim) {
        const won = await client.query(CLAIM_KEY, [environmentId, claim.key, claim.requestSha256, row.id]);
        if (!won.rowCount) {
          const { rows } = await client.query<{ request_sha256: string }>(
            'SELECT request_sha256 FROM audit_log_idempotency_keys WHERE environment_id = $1 AND key = $2',
            [environmentId, claim.key],
          );
          return rows[0]?.request_sha256 === claim.requestSha256 ? 'replayed' : 'key_reused';
        }
      }
      const e = row.event;
      await client.query(
        `INSERT INTO audit_log_events (id, environment_id, organization_id, action, version, occurred_at, actor, targets, context, metadata, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11)`,
        [
          row.id,
          environmentId,
          row.organizationId,
          e.action,
          e.version ?? null,
          row.occurredAt,
          JSON.stringify(e.actor),
          JSON.stringify(e.targets),
          JSON.stringify(e.context),
          e.metadata ? JSON.stringify(e.metadata) : null,
          row.createdAt,
        ],
      );
      await appendToOutbox(pgExecutor(client), [event]);
      return 'created';
    });
  }
}
