import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { OUTBOX_CHANNEL } from './outbox-writer';
import { DEFAULT_BATCH_LIMITS, isTooLargeError, planBatch, RECORD_OVERHEAD_BYTES, type BatchLimits, type SizedRow } from './outbox-batch';
import { eventsPublished, outboxBacklog, outboxDeadLetters, outboxOldestPending } from '../http/metrics';
import { countStatements } from '../prisma/prisma-client';

export interface OutboxRelayOptions {
  databaseUrl: string;
  kafka: Kafka;
  logger: Logger;
  /** Names the advisory lock; one relay per service database publishes at a time. */
  lockName: string;
  /** Rows per produce request (default 500). */
  batchSize?: number;
  /** Uncompressed bytes per produce request (default 900 KB, under the broker's 1 MiB). */
  maxRequestBytes?: number;
  /** A record larger than this alone is dead-lettered (default 1,000,000 bytes). */
  maxRecordBytes?: number;
  /**
   * How often an idle relay looks anyway: a standby for the lock (default OUTBOX_POLL_MS), the
   * leader for rows written without a NOTIFY (default OUTBOX_LEADER_POLL_MS). Given, it is both.
   */
  pollIntervalMs?: number;
  /** The least time between a standby's tries of the lock (default STANDBY_MIN_RETRY_MS). */
  standbyMinRetryMs?: number;
  /** Published rows older than this are deleted (default a day). */
  retainPublishedMs?: number;
  /** How often the leader deletes them (default CLEANUP_INTERVAL_MS). */
  cleanupIntervalMs?: number;
  /**
   * Turns that publish, per second, once the burst is spent (default OUTBOX_TURNS_PER_SECOND;
   * Infinity publishes every commit at once), and the burst (default OUTBOX_TURN_BURST).
   */
  turnsPerSecond?: number;
  turnBurst?: number;
}

/**
 * The leader LISTENs on the outbox channel and every insert NOTIFYs it, so a committed row is
 * published at once (within 1 / OUTBOX_TURNS_PER_SECOND when busy) whatever this is; the poll
 * only bounds how late a standby takes over a dead leader's lock. 1 s cost every relay a few
 * queries a second at idle for nothing.
 */
export const OUTBOX_POLL_MS = 5000;
/**
 * How often an idle leader looks anyway. Its session LISTENs, every outbox write NOTIFYs in its
 * own statement, and a lost session wakes the loop at once (it reconnects and reads what it
 * missed), so this only bounds how late a row written without a NOTIFY (by hand, or by a
 * migration) is published; each look costs a wake-up and a query in every service.
 */
export const OUTBOX_LEADER_POLL_MS = 30_000;
/**
 * A standby is notified of every commit, like the leader, but tries the lock at most this often:
 * a commit while no one leads is published within this bound, and a busy leader's notifications
 * cost each standby one lock query a second rather than one each.
 */
export const STANDBY_MIN_RETRY_MS = 1000;
/**
 * A relay that publishes more often than this waits between turns, so the commits meanwhile leave
 * in one produce request: at most 1 / OUTBOX_TURNS_PER_SECOND (50 ms) late, and only once the
 * turns of OUTBOX_TURN_BURST are spent (a token bucket), so a commit at a lower rate is published
 * at once. Every request costs a read and a mark in Postgres, a produce on the broker, and a fetch
 * and a batch in every consumer group of the topic, whatever its size: at sign-in rates (a commit
 * every ~8 ms) a turn per commit was most of the events' cost (docs/benchmarks.md). Turns that
 * find more rows than one request holds (a backlog) follow each other at once.
 */
export const OUTBOX_TURNS_PER_SECOND = 20;
export const OUTBOX_TURN_BURST = 10;
/** How often a busy relay counts its backlog for the metrics. */
const BACKLOG_SAMPLE_MS = 5000;
/** How often the leader deletes the published rows older than the retention. */
export const CLEANUP_INTERVAL_MS = 60_000;
/**
 * Batches from this size on are sent gzipped. A smaller one (a sign-in's one or two events) is
 * sent as it is: gzip's fixed cost per batch, in the producer, the broker's validation and every
 * consumer, was about 1 ms of CPU for a one-event batch on the reference machine (double the
 * uncompressed cost), and saves a few hundred bytes. Sizes are planned uncompressed either way.
 */
export const GZIP_MIN_BATCH_BYTES = 16 * 1024;

interface EncodedRow {
  seq: string;
  topic: string;
  bytes: number;
  message: { key: string; value: string; headers: Record<string, string> };
}

/**
 * Publishes outbox rows to Kafka in `seq` order and marks them sent.
 * Invariants:
 *  - One relay per database publishes: the holder of a session advisory lock. It LISTENs, reads,
 *    publishes and marks rows on that same session (fencing): once Postgres ends the session, and
 *    with it the lock, the old leader can read and mark no row again, and the next leader
 *    re-reads from the first unpublished row whatever the old one had in flight. No other
 *    session reads or marks pending rows, so no row lock and no transaction is needed: a turn is
 *    one read, the produce request, one mark. Rows therefore leave in `seq` order (a row a
 *    fenced-out leader had in flight can arrive a second time, later: consumers deduplicate).
 *    `seq` order is insert order, which is commit order only for writers that serialise
 *    (docs/ARCHITECTURE.md).
 *  - A row is marked published only after Kafka acknowledged it (acks=all). A crash in between
 *    re-sends it; consumers deduplicate by event ID, so delivery is at-least-once and effects
 *    are exactly-once. One request in flight keeps per-key order across producer retries.
 *  - Kafka being down never loses a row: nothing is marked, and the batch is retried with backoff.
 *  - Requests are cut by size (outbox-batch.ts), gzip-compressed from GZIP_MIN_BATCH_BYTES on;
 *    a row the broker can never take is dead-lettered instead of blocking every row behind it:
 *    moved to `outbox_dead_letters` with its error in one statement on the lock's session, with
 *    a counter and a warning. `wos dead-letters <service> outbox` lists and replays them.
 */
export class OutboxRelay {
  private readonly log: Logger;
  private producer?: Producer;
  /* The one connection: holds the advisory lock, LISTENs, reads and marks rows. */
  private session?: Client;
  private readonly instance = randomBytes(4).toString('hex');
  private publishedRows = 0;
  private produceRequests = 0;
  private backlogSampledAt = 0;
  private running = false;
  private wake?: () => void;
  /* Set by every NOTIFY and cleared before each batch (or a standby's try of the lock), so a
   * notification that arrives while a batch is being published is not lost: the next sleep
   * returns at once. */
  private notified = false;
  private wakeOnNotify = true;
  private loop?: Promise<void>;
  private leader = false;
  private lockTries = 0;
  /* Set when the session broke between turns; the next turn backs off before reconnecting, so a
   * healthy standby (polling all along) takes the lead rather than the relay that just lost it. */
  private sessionLost = false;
  private lastCleanup = 0;
  /* The token bucket of publishing turns (OUTBOX_TURNS_PER_SECOND): its rate and size, tokens left, as of when. */
  private readonly turnsPerSecond: number;
  private readonly turnBurst: number;
  private turnTokens: number;
  private turnTokensAt = Date.now();
  private cleanupTurns = 0;
  /* The highest seq this relay marked published, and one (time, that seq) mark per cleanup turn. */
  private highestPublished = 0n;
  private readonly publishedMarks: { at: number; seq: bigint }[] = [];
  /* Set on each takeover: the first cleanup then reads the whole table once (rows another leader published). */
  private fullCleanupDue = true;
  private readonly limits: BatchLimits;
  /* Halved while the broker refuses requests as too large, back to the full batch after a success. */
  private rowLimit: number;

  constructor(private readonly opts: OutboxRelayOptions) {
    this.limits = {
      maxRows: opts.batchSize ?? DEFAULT_BATCH_LIMITS.maxRows,
      maxRequestBytes: opts.maxRequestBytes ?? DEFAULT_BATCH_LIMITS.maxRequestBytes,
      maxRecordBytes: opts.maxRecordBytes ?? DEFAULT_BATCH_LIMITS.maxRecordBytes,
    };
    this.rowLimit = this.limits.maxRows;
    this.turnsPerSecond = opts.turnsPerSecond ?? OUTBOX_TURNS_PER_SECOND;
    this.turnBurst = opts.turnBurst ?? OUTBOX_TURN_BURST;
    if (!(this.turnsPerSecond > 0) || !(this.turnBurst >= 1)) throw new Error('OutboxRelay: turnsPerSecond must be > 0 and turnBurst >= 1');
    this.turnTokens = this.turnBurst;
    this.log = opts.logger.child({ context: 'OutboxRelay' });
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** Rows this relay has published since it started (diagnostics and tests). */
  get published(): number {
    return this.publishedRows;
  }

  /** Produce requests Kafka acknowledged (diagnostics and tests). */
  get requests(): number {
    return this.produceRequests;
  }

  /** Times this relay asked Postgres for the lock (diagnostics and tests). */
  get lockAttempts(): number {
    return this.lockTries;
  }

  /** Cleanup turns this relay has run (diagnostics and tests). */
  get cleanups(): number {
    return this.cleanupTurns;
  }

  /** The session's `application_name`, by which operators (and tests) find it in pg_stat_activity. */
  get applicationName(): string {
    return `outbox-relay ${this.opts.lockName} ${this.instance}`.slice(0, 63);
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
    // Ending the session releases the lock at once, so a standby takes over without waiting.
    await this.dropSession();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        if (this.sessionLost) {
          this.sessionLost = false;
          throw new Error('the relay session was lost');
        }
        if (!this.leader) {
          // The try answers every notification so far (a leader clears the flag before its batch too).
          this.notified = false;
          await this.tryBecomeLeader();
        }
        if (this.leader) {
          this.notified = false;
          const { settled, drained } = await this.publishBatch();
          failures = 0;
          await this.sampleBacklog(settled);
          // A turn that took every pending row it saw ends here: a row committed since then has
          // notified (then the sleep below returns at once), so no empty turn is spent to find out.
          if (settled > 0 && !drained) continue;
          await this.cleanup();
          const wait = settled > 0 ? this.spendTurn() : 0;
          if (wait > 0) await this.sleep(wait, false);
        }
        failures = 0;
      } catch (err) {
        failures++;
        this.log.warn({ err: (err as Error).message, failures }, 'outbox relay could not publish; will retry');
        if (this.session && !(await this.sessionAlive())) await this.dropSession();
      }
      // After a failure the backoff is served in full, notifications or not.
      if (failures) await this.sleep(Math.min(5000, 200 * 2 ** failures), false);
      else if (this.leader) await this.sleep(this.opts.pollIntervalMs ?? OUTBOX_LEADER_POLL_MS, true);
      else await this.standbyWait();
    }
  }

  /*
   * Until the next try of the lock: the poll interval, or sooner once a commit notified (its
   * leader may be gone), but never sooner than the minimum retry. Without that floor a standby
   * woken by each commit of a busy leader retried the lock in a loop (40 % of a core for a
   * standby identity, and as much of Postgres).
   */
  private async standbyWait(): Promise<void> {
    const poll = this.opts.pollIntervalMs ?? OUTBOX_POLL_MS;
    const floor = Math.min(poll, this.opts.standbyMinRetryMs ?? STANDBY_MIN_RETRY_MS);
    await this.sleep(floor, false);
    if (poll > floor) await this.sleep(poll - floor, true);
  }

  private async tryBecomeLeader(): Promise<void> {
    if (!this.session) {
      // Each statement is planned for the table as it is now (force_custom_plan). Postgres caches
      // a generic plan for a named statement after five runs: planned while the outbox was a
      // page or two, marking a batch published was a sequential scan, and it stayed one while
      // the retained published rows grew (nothing replans it before an ANALYZE), so every batch
      // read the whole table. Planning three statements per batch costs far less than that.
      // No bitmap scans: the pending index keeps an entry for every row marked published until
      // a VACUUM, and a bitmap scan visits each one's heap page on every batch, where an index
      // scan marks them dead once and skips them after (auto_explain in the vault benchmark:
      // pending reads over 1 ms went from 1,591 to 19 in a 10 s phase). No sequential scans
      // where an index serves: a table never analyzed (autovacuum off) has no statistics, and
      // the planner then guessed a third of a day's rows for the cleanup's seq range and a
      // sequential scan for the backlog's count of pending rows.
      const session = new Client({
        connectionString: this.opts.databaseUrl,
        application_name: this.applicationName,
        keepAlive: true,
        options: '-c plan_cache_mode=force_custom_plan -c enable_bitmapscan=off -c enable_seqscan=off',
      });
      session.on('notification', () => {
        this.notified = true;
        if (this.wakeOnNotify) this.wake?.();
      });
      // A broken session has lost the lock: stop publishing at once, reconnect on the next turn.
      session.on('error', (err) => {
        this.log.warn({ err: err.message }, 'outbox relay session lost');
        this.leader = false;
        if (this.session === session) {
          this.session = undefined;
          this.sessionLost = true;
          // Whatever the loop sleeps for, it reconnects now (and then reads what it missed).
          this.wake?.();
        }
        void session.end().catch(() => undefined);
      });
      countStatements(session, 'outbox_relay');
      await session.connect();
      this.session = session;
      await session.query(`LISTEN ${OUTBOX_CHANNEL}`);
    }
    this.lockTries++;
    const r = await this.session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [this.opts.lockName]);
    this.leader = r.rows[0]?.ok === true;
    if (this.leader) {
      this.fullCleanupDue = true;
      this.log.info({ lock: this.opts.lockName, session: this.applicationName }, 'outbox relay is the leader');
    }
  }

  private async sessionAlive(): Promise<boolean> {
    try {
      await this.session?.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  private async dropSession(): Promise<void> {
    this.leader = false;
    const session = this.session;
    this.session = undefined;
    await session?.end().catch(() => undefined);
  }

  private async getProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.opts.kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: true });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  /**
   * outbox_backlog_rows and outbox_oldest_pending_age_seconds. A batch that settled nothing
   * found no pending row, so the backlog is 0 without a query; otherwise one indexed count, at
   * most every BACKLOG_SAMPLE_MS, on the lock's session between batches.
   */
  private async sampleBacklog(settled: number): Promise<void> {
    if (settled === 0) {
      outboxBacklog.set(0);
      outboxOldestPending.set(0);
      return;
    }
    if (Date.now() - this.backlogSampledAt < BACKLOG_SAMPLE_MS || !this.session) return;
    this.backlogSampledAt = Date.now();
    const { rows } = await this.session.query<{ n: string; age: number | null }>(
      'SELECT count(*) AS n, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age FROM "outbox" WHERE published_at IS NULL AND dead_lettered_at IS NULL',
    );
    outboxBacklog.set(Number(rows[0]?.n ?? 0));
    outboxOldestPending.set(Math.max(0, rows[0]?.age ?? 0));
  }

  /**
   * Publishes (or dead-letters) the next prefix of pending rows, on the lock's session. Returns
   * how many rows it settled, and whether those were all the rows pending when it looked.
   */
  private async publishBatch(): Promise<{ settled: number; drained: boolean }> {
    const client = this.session;
    if (!client || !this.leader) return { settled: 0, drained: true };
    const limit = this.rowLimit;
    // One statement reads the pending prefix with each row's exact size (the value sent is the
    // jsonb's text, rendered once here) and the text itself only for a sendable row (at most
    // maxRecordBytes) while the sendable bytes before it are under one request: a backlog of
    // large rows is never loaded into memory at once, and every row a plan can send (a prefix
    // within maxRequestBytes after the rows it dead-letters, or a first row alone) has its text.
    const { rows: pending } = await client.query<{ seq: string; topic: string; key: string; headers: Record<string, string>; bytes: string; payload: string | null }>({
      name: 'outbox_relay_pending',
      text: `SELECT seq, topic, key, headers, bytes,
              CASE WHEN bytes <= $3 AND sum(CASE WHEN bytes <= $3 THEN bytes ELSE 0 END) OVER (ORDER BY seq) - bytes < $2 THEN t END AS payload
         FROM (SELECT seq, topic, key, headers, t, octet_length(t) + octet_length(key) + octet_length(headers::text) + ${RECORD_OVERHEAD_BYTES} AS bytes
                 FROM (SELECT seq, topic, key, headers, payload::text AS t FROM "outbox"
                        WHERE published_at IS NULL AND dead_lettered_at IS NULL
                        ORDER BY seq LIMIT $1) AS pending) AS sized
        ORDER BY seq`,
      values: [limit, this.limits.maxRequestBytes, this.limits.maxRecordBytes],
    });
    const plan = planBatch(pending.map((r) => ({ seq: r.seq, bytes: Number(r.bytes) })), { ...this.limits, maxRows: limit });
    const bySeq = new Map(pending.map((r) => [r.seq, r]));
    const batch: EncodedRow[] = plan.send.map((seq) => {
      const r = bySeq.get(seq)!;
      if (r.payload === null) throw new Error(`outbox relay: row ${seq} was planned without its payload`);
      return { seq, topic: r.topic, bytes: Number(r.bytes), message: { key: r.key, value: r.payload, headers: r.headers } };
    });
    const dead = plan.deadLetter;
    if (dead.length) await this.deadLetter(client, dead, `record of more than ${this.limits.maxRecordBytes} bytes`);
    if (batch.length) {
      try {
        await this.send(batch);
      } catch (err) {
        if (!isTooLargeError(err)) throw err;
        if (batch.length > 1) {
          // Only the broker knows its limit: send smaller prefixes until the culprit is alone.
          this.rowLimit = Math.max(1, Math.floor(batch.length / 2));
          return { settled: batch.length, drained: false };
        }
        await this.deadLetter(client, batch, `refused by Kafka: ${(err as Error).message}`);
        batch.length = 0;
      }
    }
    if (batch.length) {
      await client.query({ name: 'outbox_relay_published', text: 'UPDATE "outbox" SET published_at = now() WHERE seq = ANY($1::bigint[])', values: [batch.map((r) => r.seq)] });
      eventsPublished.inc(batch.length);
      this.publishedRows += batch.length;
      const last = BigInt(batch[batch.length - 1]!.seq); // batches are in seq order
      if (last > this.highestPublished) this.highestPublished = last;
    }
    this.rowLimit = this.limits.maxRows;
    const settled = batch.length + dead.length;
    return { settled, drained: pending.length < limit && settled === pending.length };
  }

  private async send(batch: EncodedRow[]): Promise<void> {
    const byTopic = new Map<string, EncodedRow['message'][]>();
    for (const r of batch) {
      if (!byTopic.has(r.topic)) byTopic.set(r.topic, []);
      byTopic.get(r.topic)!.push(r.message);
    }
    const producer = await this.getProducer();
    const bytes = batch.reduce((sum, r) => sum + r.bytes, 0);
    try {
      await producer.sendBatch({
        acks: -1,
        compression: bytes >= GZIP_MIN_BATCH_BYTES ? CompressionTypes.GZIP : CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      this.produceRequests++;
    } catch (err) {
      // A broken connection can leave the producer unusable; build a fresh one next time.
      if (!isTooLargeError(err)) {
        await producer.disconnect().catch(() => undefined);
        this.producer = undefined;
      }
      throw err;
    }
  }

  /**
   * Moves rows to `outbox_dead_letters` (one statement, so a row is in exactly one of the two
   * tables); the relay moves on past them.
   */
  private async deadLetter(client: Client, rows: SizedRow[], error: string): Promise<void> {
    const { rows: marked } = await client.query<{ seq: string; event_id: string; topic: string; key: string }>(
      `WITH moved AS (DELETE FROM "outbox" WHERE seq = ANY($1::bigint[]) RETURNING seq, event_id, topic, key, payload, headers, created_at)
       INSERT INTO "outbox_dead_letters" (seq, event_id, topic, key, payload, headers, created_at, error)
       SELECT seq, event_id, topic, key, payload, headers, created_at, $2 FROM moved RETURNING seq, event_id, topic, key`,
      [rows.map((r) => r.seq), error.slice(0, 4000)],
    );
    const bytes = new Map(rows.map((r) => [r.seq, r.bytes]));
    for (const r of marked) {
      outboxDeadLetters.labels(r.topic).inc();
      this.log.warn({ seq: r.seq, event_id: r.event_id, topic: r.topic, key: r.key, bytes: bytes.get(r.seq), error }, 'outbox row dead-lettered: it can never be published');
    }
  }

  /**
   * Deletes the published rows older than the retention. Without an index on `published_at`,
   * that condition alone reads the whole table (a day of rows, every minute), so after its first
   * turn as leader the relay bounds it by `seq` (the primary key): at each turn it notes the
   * highest seq marked published so far, and the newest note older than the retention bounds the
   * DELETE's range scan. Rows published before that note are all in the range; rows published
   * since wait for a later turn (retention is a minimum, as before), and the `published_at`
   * condition keeps the DELETE exact.
   */
  private async cleanup(): Promise<void> {
    const session = this.session;
    const now = Date.now();
    if (!session || now - this.lastCleanup < (this.opts.cleanupIntervalMs ?? CLEANUP_INTERVAL_MS)) return;
    this.lastCleanup = now;
    const keepMs = this.opts.retainPublishedMs ?? 24 * 3600_000;
    this.publishedMarks.push({ at: now, seq: this.highestPublished });
    let bound: bigint | undefined;
    while (this.publishedMarks.length && this.publishedMarks[0]!.at <= now - keepMs) bound = this.publishedMarks.shift()!.seq;
    const older = `published_at < now() - ($1::bigint * interval '1 millisecond')`;
    if (this.fullCleanupDue) {
      this.fullCleanupDue = false;
      await session.query(`DELETE FROM "outbox" WHERE ${older}`, [keepMs]);
      // A relay of the previous release (during a rolling upgrade) marked dead letters in place.
      await session.query(`WITH moved AS (DELETE FROM "outbox" WHERE dead_lettered_at IS NOT NULL
                             RETURNING seq, event_id, topic, key, payload, headers, created_at, dead_lettered_at, dead_letter_error)
                           INSERT INTO "outbox_dead_letters" (seq, event_id, topic, key, payload, headers, created_at, dead_lettered_at, error)
                           SELECT seq, event_id, topic, key, payload, headers, created_at, dead_lettered_at, coalesce(dead_letter_error, 'dead-lettered by an earlier relay') FROM moved`);
      // Rows an earlier leader published count too (a backward walk of the primary key, stopping at the first).
      const { rows } = await session.query<{ seq: string }>('SELECT seq FROM "outbox" WHERE published_at IS NOT NULL ORDER BY seq DESC LIMIT 1');
      if (rows[0] && BigInt(rows[0].seq) > this.highestPublished) this.highestPublished = BigInt(rows[0].seq);
    } else if (bound !== undefined && bound > 0n) {
      await session.query(`DELETE FROM "outbox" WHERE seq <= $2 AND ${older}`, [keepMs, bound.toString()]);
    }
    this.cleanupTurns++;
  }

  /** Spends a token for the turn that just published; returns how long to wait before the next one may start. */
  private spendTurn(): number {
    const rate = this.turnsPerSecond;
    if (!Number.isFinite(rate)) return 0;
    const now = Date.now();
    this.turnTokens = Math.min(this.turnBurst, this.turnTokens + ((now - this.turnTokensAt) * rate) / 1000) - 1;
    this.turnTokensAt = now;
    return this.turnTokens >= 1 ? 0 : ((1 - this.turnTokens) * 1000) / rate;
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
