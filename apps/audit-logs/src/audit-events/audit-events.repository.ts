import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { outboxInsertCte, pgTransaction, withOutboxNotify, type OutboxMessage, type OutboxRawMessage } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import { genesisHash, linkHash } from '../audit-core/chain';
import type { AuditEventRow } from './audit-events.dto';

export interface IdempotencyClaim {
  key: string;
  requestSha256: string;
}

export type InsertOutcome = 'created' | 'replayed' | 'key_reused';

/** One accepted event waiting for its transaction. */
export interface PendingInsert {
  environmentId: string;
  row: AuditEventRow;
  /** eventDigest of the event (its export cells). */
  digest: Buffer;
  messages: (OutboxMessage | OutboxRawMessage)[];
  claim?: IdempotencyClaim;
}

interface Waiter {
  item: PendingInsert;
  resolve: (o: InsertOutcome) => void;
  reject: (e: unknown) => void;
}

/* Events per transaction at most: bounds a batch's lock time and statement size. */
const MAX_BATCH = 200;
/*
 * Batch transactions of one process in flight at once. Two let one batch's statements travel
 * while the other waits for Postgres; the ordered locking below keeps them (like batches of
 * other replicas) from deadlocking, and head locks still order each organization's chain.
 */
const WRITERS = 2;

/*
 * Keys are honoured for 24 hours, as WorkOS documents; an older record is taken over. Keys are
 * claimed in (environment, key) order, heads locked in (environment, organization) order, and
 * every transaction claims before it locks heads: ordered two-phase locking, so concurrent
 * batches (here or on other replicas) never deadlock.
 */
const CLAIM_KEYS = `
  INSERT INTO audit_log_idempotency_keys (environment_id, key, request_sha256, event_id)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
  ON CONFLICT (environment_id, key) DO UPDATE SET request_sha256 = EXCLUDED.request_sha256, event_id = EXCLUDED.event_id, created_at = now()
    WHERE audit_log_idempotency_keys.created_at < now() - interval '24 hours'
  RETURNING event_id`;

/**
 * The only SQL caller for audit-log events. Every method takes the environment first.
 *
 * Group commit: `insert` queues the event and, when fewer than WRITERS transactions of this
 * process are writing, starts one with everything queued (up to MAX_BATCH); events that arrive
 * meanwhile form the next batch. An idle service thus writes each event at once, and a busy one
 * shares a transaction, its statements and its commit among many events. A batch that fails is
 * retried one event per transaction, so one bad event fails only its own request.
 */
@Injectable()
export class AuditEventsRepository {
  private queue: Waiter[] = [];
  private writers = 0;
  /* (environment, Idempotency-Key) of the batches in flight: a later request with one waits for its batch. */
  private readonly keysInFlight = new Set<string>();

  constructor(private readonly prisma: PrismaService) {}

  /**
   * The event, its idempotency record and its outbox rows commit together (DESIGN.md rule 2).
   * A request with a key already committed stores nothing: same request 'replayed', another
   * 'key_reused'. The month's partition must exist (PartitionsService.ensureFor).
   */
  insert(environmentId: string, row: AuditEventRow, digest: Buffer, messages: (OutboxMessage | OutboxRawMessage)[], claim?: IdempotencyClaim): Promise<InsertOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item: { environmentId, row, digest, messages, claim }, resolve, reject });
      if (this.writers < WRITERS) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writers++;
    try {
      while (this.queue.length) {
        const batch = takeBatch(this.queue, this.keysInFlight);
        // Everything queued waits for a key in flight: the writer of that batch takes it next.
        if (!batch.length) break;
        const taken = new Set(batch);
        this.queue = this.queue.filter((w) => !taken.has(w));
        const keys = batch.flatMap((w) => (w.item.claim ? [claimKey(w.item)] : []));
        for (const k of keys) this.keysInFlight.add(k);
        try {
          const outcomes = await this.writeBatch(batch.map((w) => w.item));
          batch.forEach((w, i) => w.resolve(outcomes[i]!));
        } catch (err) {
          if (batch.length === 1) batch[0]!.reject(err);
          else for (const w of batch) await this.writeBatch([w.item]).then(([o]) => w.resolve(o!), w.reject);
        } finally {
          for (const k of keys) this.keysInFlight.delete(k);
        }
      }
    } finally {
      this.writers--;
    }
  }

  /**
   * One transaction of four statements at most: the claims, the chain heads locked and read,
   * then the outbox rows, chain entries, events and new heads in one statement. Outcomes in
   * `items` order.
   */
  private writeBatch(items: PendingInsert[]): Promise<InsertOutcome[]> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const outcomes = await this.claim(client, items);
      const created = items.filter((_, i) => outcomes[i] === 'created');
      if (!created.length) return outcomes;
      await this.appendToChains(client, created);
      return outcomes;
    });
  }

  private async claim(client: PoolClient, items: PendingInsert[]): Promise<InsertOutcome[]> {
    const claims = items
      .map((it, i) => ({ i, env: it.environmentId, claim: it.claim, eventId: it.row.id }))
      .filter((c): c is { i: number; env: string; claim: IdempotencyClaim; eventId: string } => !!c.claim)
      .sort((a, b) => (a.env + '\u0000' + a.claim.key < b.env + '\u0000' + b.claim.key ? -1 : 1));
    const outcomes: InsertOutcome[] = items.map(() => 'created');
    if (!claims.length) return outcomes;
    const { rows: won } = await client.query<{ event_id: string }>({
      name: 'audit_claim_keys',
      text: CLAIM_KEYS,
      values: [claims.map((c) => c.env), claims.map((c) => c.claim.key), claims.map((c) => c.claim.requestSha256), claims.map((c) => c.eventId)],
    });
    const wonIds = new Set(won.map((r) => r.event_id));
    const lost = claims.filter((c) => !wonIds.has(c.eventId));
    if (!lost.length) return outcomes;
    const { rows } = await client.query<{ environment_id: string; key: string; request_sha256: string }>(
      'SELECT environment_id, key, request_sha256 FROM audit_log_idempotency_keys k JOIN unnest($1::text[], $2::text[]) AS u(e, kk) ON k.environment_id = u.e AND k.key = u.kk',
      [lost.map((c) => c.env), lost.map((c) => c.claim.key)],
    );
    const stored = new Map(rows.map((r) => [`${r.environment_id}\u0000${r.key}`, r.request_sha256]));
    for (const c of lost) outcomes[c.i] = stored.get(`${c.env}\u0000${c.claim.key}`) === c.claim.requestSha256 ? 'replayed' : 'key_reused';
    return outcomes;
  }

  /**
   * Gives each event the next position of its organization's chain and stores it with its chain
   * entry and its outbox rows. The heads are locked (created if new, in order) until commit, so
   * positions follow commit order per organization; h_n is linkHash (audit-core/chain.ts).
   */
  private async appendToChains(client: PoolClient, items: PendingInsert[]): Promise<void> {
    const orgKey = (it: PendingInsert) => `${it.environmentId}\u0000${it.row.organizationId}`;
    const orgs = [...new Map(items.map((it) => [orgKey(it), it])).values()].sort((a, b) => (orgKey(a) < orgKey(b) ? -1 : 1));
    // ON CONFLICT DO UPDATE takes each row's lock in input order, which is sorted: the ordered
    // locking that FOR UPDATE gave, and a new organization's head is created in the same step.
    const { rows: heads } = await client.query<{ environment_id: string; organization_id: string; seq: string; hash: Buffer }>({
      name: 'audit_lock_heads',
      text: `INSERT INTO audit_log_chain_heads AS h (environment_id, organization_id, seq, hash)
       SELECT e, o, 0, g FROM unnest($1::text[], $2::text[], $3::bytea[]) WITH ORDINALITY AS u(e, o, g, ord) ORDER BY u.ord
       ON CONFLICT (environment_id, organization_id) DO UPDATE SET seq = h.seq
       RETURNING h.environment_id, h.organization_id, h.seq, h.hash`,
      values: [orgs.map((o) => o.environmentId), orgs.map((o) => o.row.organizationId), orgs.map((o) => genesisHash(o.environmentId, o.row.organizationId))],
    });
    const head = new Map(heads.map((h) => [`${h.environment_id}\u0000${h.organization_id}`, { seq: Number(h.seq), hash: h.hash }]));
    const seqs: number[] = [];
    const hashes: Buffer[] = [];
    for (const it of items) {
      const h = head.get(orgKey(it))!;
      h.seq += 1;
      h.hash = linkHash(h.hash, h.seq, it.row.occurredAt.getTime(), it.digest);
      seqs.push(h.seq);
      hashes.push(h.hash);
    }
    const e = items.map((i) => i.row.event);
    const moved = [...head.entries()];
    const outbox = outboxInsertCte(items.flatMap((i) => i.messages), 19);
    // Named (prepared once per connection): the text is the same for every batch.
    await client.query({
      name: 'audit_write_batch',
      text: withOutboxNotify(`chain_rows AS (
         INSERT INTO audit_log_chain (environment_id, organization_id, seq, event_id, occurred_at, digest, hash)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[], $6::bytea[], $7::bytea[])
         RETURNING 1),
       event_rows AS (
         INSERT INTO audit_log_events (id, environment_id, organization_id, action, version, occurred_at, actor, targets, context, metadata, created_at, chain_seq)
         SELECT u.id, u.env, u.org, u.action, u.version, u.occurred_at, u.actor::jsonb, u.targets::jsonb, u.context::jsonb, u.metadata::jsonb, u.created_at, u.seq
           FROM unnest($4::text[], $1::text[], $2::text[], $8::text[], $9::int[], $5::timestamptz[], $10::text[], $11::text[], $12::text[], $13::text[], $14::timestamptz[], $3::bigint[])
             AS u(id, env, org, action, version, occurred_at, actor, targets, context, metadata, created_at, seq)
         RETURNING 1),
       head_rows AS (
         UPDATE audit_log_chain_heads h SET seq = u.s, hash = u.hh, updated_at = now()
           FROM unnest($15::text[], $16::text[], $17::bigint[], $18::bytea[]) AS u(e, o, s, hh)
          WHERE h.environment_id = u.e AND h.organization_id = u.o
         RETURNING 1),
       ${outbox.cte}`),
      values: [
        items.map((i) => i.environmentId),
        items.map((i) => i.row.organizationId),
        seqs,
        items.map((i) => i.row.id),
        items.map((i) => i.row.occurredAt),
        items.map((i) => i.digest),
        hashes,
        e.map((x) => x.action),
        e.map((x) => x.version ?? null),
        e.map((x) => JSON.stringify(x.actor)),
        e.map((x) => JSON.stringify(x.targets)),
        e.map((x) => JSON.stringify(x.context)),
        e.map((x) => (x.metadata ? JSON.stringify(x.metadata) : null)),
        items.map((i) => i.row.createdAt),
        moved.map(([k]) => k.split('\u0000')[0]),
        moved.map(([k]) => k.split('\u0000')[1]),
        moved.map(([, v]) => v.seq),
        moved.map(([, v]) => v.hash),
        ...outbox.values,
      ],
    });
  }
}

const claimKey = (it: PendingInsert) => `${it.environmentId}\u0000${it.claim!.key}`;

/**
 * The next batch: queued events in arrival order, up to MAX_BATCH, leaving for later an event
 * whose (environment, Idempotency-Key) is already in the batch or in a batch in flight (one claim
 * statement cannot claim a key twice, and a concurrent batch could claim it first: the later
 * request then finds the first committed, in arrival order).
 */
function takeBatch(queue: Waiter[], inFlight: ReadonlySet<string>): Waiter[] {
  const batch: Waiter[] = [];
  const keys = new Set<string>();
  for (const w of queue) {
    if (batch.length >= MAX_BATCH) break;
    if (w.item.claim) {
      const k = claimKey(w.item);
      if (keys.has(k) || inFlight.has(k)) continue;
      keys.add(k);
    }
    batch.push(w);
  }
  return batch;
}
