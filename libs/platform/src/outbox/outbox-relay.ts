import { Pool, type PoolClient } from 'pg';
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { OUTBOX_CHANNEL } from './outbox-writer';
import { eventsPublished } from '../http/metrics';

export interface OutboxRelayOptions {
  databaseUrl: string;
  kafka: Kafka;
  logger: Logger;
  /** Names the advisory lock; one relay per service database publishes at a time. */
  lockName: string;
  batchSize?: number;
  pollIntervalMs?: number;
  /** Published rows older than this are deleted. */
  retainPublishedMs?: number;
}

interface OutboxRow {
  seq: string;
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
}

/**
 * Publishes outbox rows to Kafka in `seq` order and marks them sent.
 * Invariants:
 *  - Only the holder of a session advisory lock publishes, so rows leave in commit order even
 *    with several replicas; the others stand by and take over if the holder dies.
 *  - A row is marked published only after Kafka acknowledged it (acks=all). A crash in between
 *    re-sends it; consumers deduplicate by event ID, so delivery is at-least-once and effects
 *    are exactly-once. One request in flight keeps per-key order across producer retries.
 *  - Kafka being down never loses a row: the batch rolls back and is retried with backoff.
 */
export class OutboxRelay {
  private readonly pool: Pool;
  private readonly log: Logger;
  private producer?: Producer;
  private listener?: PoolClient;
  private running = false;
  private wake?: () => void;
  /* Set by every NOTIFY and cleared before each batch, so a notification that arrives while a
   * batch is being published is not lost: the next sleep returns at once. */
  private notified = false;
  private wakeOnNotify = true;
  private loop?: Promise<void>;
  private leader = false;
  private lastCleanup = 0;

  constructor(private readonly opts: OutboxRelayOptions) {
    this.pool = new Pool({ connectionString: opts.databaseUrl, max: 2 });
    this.pool.on('error', (err) => this.log.warn({ err }, 'outbox pool error'));
    this.log = opts.logger.child({ context: 'OutboxRelay' });
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.producer?.disconnect().catch(() => undefined);
    this.listener?.release(true);
    await this.pool.end();
  }

  /** Publishes everything pending now; used by tests and shutdown. */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.publishBatch(); n > 0; n = await this.publishBatch()) total += n;
    return total;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        if (!this.leader) await this.tryBecomeLeader();
        if (this.leader) {
          this.notified = false;
          const n = await this.publishBatch();
          failures = 0;
          if (n > 0) continue;
          await this.cleanup();
        }
      } catch (err) {
        failures++;
        this.log.warn({ err: (err as Error).message, failures }, 'outbox relay could not publish; will retry');
        if (this.listener && !(await this.listenerAlive())) this.dropListener();
      }
      // After a failure the backoff is served in full, notifications or not.
      if (failures) await this.sleep(Math.min(5000, 200 * 2 ** failures), false);
      else await this.sleep(this.opts.pollIntervalMs ?? 1000, true);
    }
  }

  private async tryBecomeLeader(): Promise<void> {
    if (!this.listener) {
      const client = await this.pool.connect();
      client.on('notification', () => {
        this.notified = true;
        if (this.wakeOnNotify) this.wake?.();
      });
      client.on('error', () => this.dropListener());
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
    }
    const r = await this.listener.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [this.opts.lockName]);
    this.leader = r.rows[0]?.ok === true;
  }

  private async listenerAlive(): Promise<boolean> {
    try {
      await this.listener?.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  private dropListener(): void {
    this.leader = false;
    this.listener?.release(true);
    this.listener = undefined;
  }

  private async getProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.opts.kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: true });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  private async publishBatch(): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(
        `SELECT seq, topic, key, payload, headers FROM "outbox" WHERE published_at IS NULL
         ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.opts.batchSize ?? 500],
      );
      if (!rows.length) {
        await client.query('COMMIT');
        return 0;
      }
      const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
      for (const r of rows) {
        if (!byTopic.has(r.topic)) byTopic.set(r.topic, []);
        byTopic.get(r.topic)!.push({ key: r.key, value: JSON.stringify(r.payload), headers: r.headers });
      }
      const producer = await this.getProducer();
      try {
        await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      } catch (err) {
        // A broken connection can leave the producer unusable; build a fresh one next time.
        await producer.disconnect().catch(() => undefined);
        this.producer = undefined;
        throw err;
      }
      await client.query('UPDATE "outbox" SET published_at = now() WHERE seq = ANY($1::bigint[])', [rows.map((r) => r.seq)]);
      await client.query('COMMIT');
      eventsPublished.inc(rows.length);
      return rows.length;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async cleanup(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanup < 60_000) return;
    this.lastCleanup = now;
    const keepMs = this.opts.retainPublishedMs ?? 24 * 3600_000;
    await this.pool.query(`DELETE FROM "outbox" WHERE published_at < now() - ($1::bigint * interval '1 millisecond')`, [keepMs]);
  }

  private sleep(ms: number, wakeOnNotify: boolean): Promise<void> {
    if (!this.running || (wakeOnNotify && this.notified)) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
      this.wakeOnNotify = wakeOnNotify;
    });
  }
}
