import type { Pool } from 'pg';
import { pgTransaction } from '../prisma/pg-transaction';
import { OUTBOX_CHANNEL } from './outbox-writer';

/** One row of `outbox_dead_letters` without its payload (OUTBOX_DEAD_LETTERS_DDL). */
export interface OutboxDeadLetterSummary {
  id: string;
  seq: string;
  event_id: string;
  /** The envelope's `event` (null for a raw message, such as audit-logs' OCSF rendering). */
  event_type: string | null;
  topic: string;
  key: string;
  /** The payload's size as the relay measures it (its JSON text). */
  bytes: number;
  error: string;
  created_at: Date;
  dead_lettered_at: Date;
  replayed_at: Date | null;
  replayed_seq: string | null;
}

export interface OutboxDeadLetter extends OutboxDeadLetterSummary {
  payload: unknown;
  headers: Record<string, string>;
}

export type OutboxReplay = { status: 'replayed'; seq: string } | { status: 'already_replayed'; seq: string } | { status: 'not_found' };

/** Where a replayed row stands in the outbox. */
export type OutboxReplayState = { state: 'published'; published_at: Date | null } | { state: 'pending' } | { state: 'dead_lettered'; id: string; error: string };

const SUMMARY = `id, seq, event_id, payload->>'event' AS event_type, topic, key, octet_length(payload::text) AS bytes, error, created_at, dead_lettered_at, replayed_at, replayed_seq`;

/**
 * The outbox rows a service's relay set aside (`outbox_dead_letters`), for
 * `wos dead-letters <service> outbox list|show|replay`.
 *
 * A replay appends the row to the outbox again, as a new row (a new `seq`, after every row
 * committed before it; consumers deduplicate by event ID, and per-key order with the rows that
 * followed it is not restored), and wakes the relay. Invariant: one dead letter is replayed at
 * most once (its row lock and `replayed_at`); a replayed row the broker still refuses becomes a
 * new dead letter, with the same `event_id` and the new `seq`.
 */
export class OutboxDeadLetters {
  constructor(private readonly pool: Pool) {}

  async list(opts: { includeReplayed?: boolean; limit?: number } = {}): Promise<OutboxDeadLetterSummary[]> {
    const { rows } = await this.pool.query(`SELECT ${SUMMARY} FROM outbox_dead_letters WHERE ($1 OR replayed_at IS NULL) ORDER BY id LIMIT $2`, [
      opts.includeReplayed ?? false,
      opts.limit ?? 100,
    ]);
    return rows.map(numeric);
  }

  async get(id: string): Promise<OutboxDeadLetter | undefined> {
    const { rows } = await this.pool.query(`SELECT ${SUMMARY}, payload, headers FROM outbox_dead_letters WHERE id = $1`, [id]);
    return rows[0] ? (numeric(rows[0]) as OutboxDeadLetter) : undefined;
  }

  /** Appends the dead letter to the outbox again (after the fix: a larger broker limit, a smaller event). */
  async replay(id: string): Promise<OutboxReplay> {
    return pgTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ replayed_seq: string | null }>('SELECT replayed_seq FROM outbox_dead_letters WHERE id = $1 FOR UPDATE', [id]);
      if (!rows[0]) return { status: 'not_found' };
      if (rows[0].replayed_seq) return { status: 'already_replayed', seq: rows[0].replayed_seq };
      const { rows: appended } = await client.query<{ seq: string }>(
        `INSERT INTO outbox (event_id, topic, key, payload, headers)
         SELECT event_id, topic, key, payload, headers FROM outbox_dead_letters WHERE id = $1 RETURNING seq`,
        [id],
      );
      const seq = appended[0]!.seq;
      await client.query('UPDATE outbox_dead_letters SET replayed_at = now(), replayed_seq = $2 WHERE id = $1', [id, seq]);
      await client.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
      return { status: 'replayed', seq };
    });
  }

  /**
   * Where the outbox row `seq` (a replay) stands: published (or published and already cleaned
   * up), still pending, or dead-lettered again.
   */
  async replayState(seq: string): Promise<OutboxReplayState> {
    const { rows } = await this.pool.query<{ published_at: Date | null }>('SELECT published_at FROM outbox WHERE seq = $1', [seq]);
    if (rows[0]) return rows[0].published_at ? { state: 'published', published_at: rows[0].published_at } : { state: 'pending' };
    const { rows: again } = await this.pool.query<{ id: string; error: string }>('SELECT id, error FROM outbox_dead_letters WHERE seq = $1 ORDER BY id DESC LIMIT 1', [seq]);
    return again[0] ? { state: 'dead_lettered', id: again[0].id, error: again[0].error } : { state: 'published', published_at: null };
  }
}

const numeric = <T extends { bytes: unknown }>(row: T): T => ({ ...row, bytes: Number(row.bytes) });
