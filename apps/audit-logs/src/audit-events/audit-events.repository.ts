import { Injectable } from '@nestjs/common';
import { appendToOutbox, pgExecutor, pgTransaction, type OutboxMessage, type OutboxRawMessage } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import { genesisHash } from '../audit-core/chain';
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

/*
 * One statement appends the event to its organization's chain and stores it: the head row
 * (created at position 1 from the genesis hash, else advanced under its row lock) gives the
 * position and h_n = sha256(h_{n-1} || be64(n) || be64(occurred_at ms) || digest), the same bytes
 * as linkHash in audit-core/chain.ts (int8send is big-endian). Concurrent writers to one
 * organization queue on the head row until the holder commits; other organizations never wait.
 */
const CHAINED_INSERT = `
  WITH head AS (
    INSERT INTO audit_log_chain_heads AS c (environment_id, organization_id, seq, hash)
    VALUES ($1, $2, 1, sha256($12::bytea || int8send(1::int8) || int8send($13::int8) || $14::bytea))
    ON CONFLICT (environment_id, organization_id) DO UPDATE
      SET seq = c.seq + 1, hash = sha256(c.hash || int8send(c.seq + 1) || int8send($13::int8) || $14::bytea), updated_at = now()
    RETURNING seq, hash
  ), entry AS (
    INSERT INTO audit_log_chain (environment_id, organization_id, seq, event_id, occurred_at, digest, hash)
    SELECT $1, $2, head.seq, $3, $6, $14, head.hash FROM head
    RETURNING seq
  )
  INSERT INTO audit_log_events (id, environment_id, organization_id, action, version, occurred_at, actor, targets, context, metadata, created_at, chain_seq)
  SELECT $3, $1, $2, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11, entry.seq FROM entry`;

/** The only SQL caller for audit-log events. Every method takes the environment first. */
@Injectable()
export class AuditEventsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The event, its idempotency record and its outbox rows (the SIEM topics) commit together (DESIGN.md rule 2).
   * A second request with the same key waits on the key's row lock until the first commits,
   * then finds it: same request, nothing written ('replayed'); another request, 'key_reused'.
   * The month's partition must exist (PartitionsService.ensureFor). `digest` is the event's
   * eventDigest; the event takes the next position of its organization's chain.
   */
  insert(environmentId: string, row: AuditEventRow, digest: Buffer, messages: (OutboxMessage | OutboxRawMessage)[], claim?: IdempotencyClaim): Promise<InsertOutcome> {
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
      // The outbox row first: the chain statement takes the organization's head lock, held to commit.
      await appendToOutbox(pgExecutor(client), messages);
      const e = row.event;
      await client.query(CHAINED_INSERT, [
        environmentId,
        row.organizationId,
        row.id,
        e.action,
        e.version ?? null,
        row.occurredAt,
        JSON.stringify(e.actor),
        JSON.stringify(e.targets),
        JSON.stringify(e.context),
        e.metadata ? JSON.stringify(e.metadata) : null,
        row.createdAt,
        genesisHash(environmentId, row.organizationId),
        String(row.occurredAt.getTime()),
        digest,
      ]);
      return 'created';
    });
  }
}
