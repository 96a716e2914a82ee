import type { Pool, PoolClient } from 'pg';

/**
 * DDL of the consumer dead-letter table, which the platform's migration (libs/platform/migrations)
 * creates in every service database; a service's own migrations never do. This copy is for tests
 * on a bare database. A row is
 * one message its consumer group could not apply (or parse), with where it was in Kafka, the
 * message bytes and the last error. `replay_requested_at` is set by the CLI; a running replica
 * then applies the message through the consumer's own handler and sets `replayed_at`.
 */
export const CONSUMER_DEAD_LETTERS_DDL = `CREATE TABLE "consumer_dead_letters" (
  "id" BIGSERIAL PRIMARY KEY,
  "consumer_group" TEXT NOT NULL,
  "topic" TEXT NOT NULL,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL,
  "event_id" TEXT,
  "event_type" TEXT,
  "message_key" BYTEA,
  "message_value" BYTEA,
  "message_headers" JSONB NOT NULL DEFAULT '{}',
  "error" TEXT NOT NULL,
  "attempts" INTEGER NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "replay_requested_at" TIMESTAMPTZ(3),
  "replayed_at" TIMESTAMPTZ(3),
  "replay_error" TEXT
);
CREATE UNIQUE INDEX "consumer_dead_letters_position_key" ON "consumer_dead_letters" ("consumer_group", "topic", "partition", "offset");
CREATE INDEX "consumer_dead_letters_replay_idx" ON "consumer_dead_letters" ("consumer_group", "id") WHERE "replay_requested_at" IS NOT NULL AND "replayed_at" IS NULL;`;

export interface DeadLetterInput {
  group: string;
  topic: string;
  partition: number;
  offset: string;
  eventId?: string;
  eventType?: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Header values base64-encoded (headers are bytes; jsonb cannot hold every byte string). */
  headers: Record<string, string>;
  error: string;
  attempts: number;
}

export interface DeadLetterRow {
  id: string;
  consumer_group: string;
  topic: string;
  partition: number;
  offset: string;
  event_id: string | null;
  event_type: string | null;
  message_key: Buffer | null;
  message_value: Buffer | null;
  message_headers: Record<string, string>;
  error: string;
  attempts: number;
  created_at: Date;
  replay_requested_at: Date | null;
  replayed_at: Date | null;
  replay_error: string | null;
}

/** Where a replay request stands. */
export type ReplayRequest = 'requested' | 'already_replayed' | 'not_found';

const SUMMARY = `id, consumer_group, topic, partition, "offset", event_id, event_type, error, attempts, created_at, replay_requested_at, replayed_at, replay_error`;

/** The dead-letter table of one service database (see CONSUMER_DEAD_LETTERS_DDL). */
export class ConsumerDeadLetters {
  constructor(private readonly pool: Pool) {}

  /** Idempotent: a message dead-lettered twice (its offset commit was lost) keeps one row. */
  async record(d: DeadLetterInput): Promise<void> {
    await this.pool.query(
      `INSERT INTO consumer_dead_letters (consumer_group, topic, partition, "offset", event_id, event_type, message_key, message_value, message_headers, error, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
      [d.group, d.topic, d.partition, d.offset, d.eventId ?? null, d.eventType ?? null, d.key, d.value, JSON.stringify(d.headers), d.error.slice(0, 4000), d.attempts],
    );
  }

  async list(opts: { group?: string; includeReplayed?: boolean; limit?: number } = {}): Promise<Omit<DeadLetterRow, 'message_key' | 'message_value' | 'message_headers'>[]> {
    const { rows } = await this.pool.query(
      `SELECT ${SUMMARY} FROM consumer_dead_letters
       WHERE ($1::text IS NULL OR consumer_group = $1) AND ($2 OR replayed_at IS NULL) ORDER BY id LIMIT $3`,
      [opts.group ?? null, opts.includeReplayed ?? false, opts.limit ?? 100],
    );
    return rows;
  }

  async get(id: string): Promise<DeadLetterRow | undefined> {
    const { rows } = await this.pool.query<DeadLetterRow>('SELECT * FROM consumer_dead_letters WHERE id = $1', [id]);
    return rows[0];
  }

  /** Asks a running replica of the consumer to apply the message again. */
  async requestReplay(id: string): Promise<ReplayRequest> {
    const { rows } = await this.pool.query<{ replayed: boolean }>(
      `UPDATE consumer_dead_letters SET replay_requested_at = CASE WHEN replayed_at IS NULL THEN now() ELSE replay_requested_at END,
         replay_error = CASE WHEN replayed_at IS NULL THEN NULL ELSE replay_error END
       WHERE id = $1 RETURNING replayed_at IS NOT NULL AS replayed`,
      [id],
    );
    if (!rows[0]) return 'not_found';
    return rows[0].replayed ? 'already_replayed' : 'requested';
  }

  /**
   * Applies the oldest requested replay of `group` with `apply`, holding the row's lock so two
   * replicas never replay it at once. Success marks it replayed; a failure records the error and
   * clears the request (the operator asks again after the next fix). Returns false when none waits.
   */
  async replayNext(group: string, apply: (row: DeadLetterRow) => Promise<void>): Promise<boolean> {
    // The common answer (nothing requested) in one statement on the partial index, not a transaction's three.
    const waiting = await this.pool.query(
      'SELECT 1 FROM consumer_dead_letters WHERE consumer_group = $1 AND replay_requested_at IS NOT NULL AND replayed_at IS NULL LIMIT 1',
      [group],
    );
    if (waiting.rowCount === 0) return false;
    const client: PoolClient = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<DeadLetterRow>(
        `SELECT * FROM consumer_dead_letters WHERE consumer_group = $1 AND replay_requested_at IS NOT NULL AND replayed_at IS NULL
         ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [group],
      );
      const row = rows[0];
      if (!row) {
        await client.query('COMMIT');
        return false;
      }
      try {
        await apply(row);
        await client.query('UPDATE consumer_dead_letters SET replayed_at = now(), replay_error = NULL WHERE id = $1', [row.id]);
      } catch (err) {
        await client.query('UPDATE consumer_dead_letters SET replay_requested_at = NULL, replay_error = $2 WHERE id = $1', [row.id, String((err as Error).message ?? err).slice(0, 4000)]);
      }
      await client.query('COMMIT');
      return true;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
