import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { Context } from '@opentelemetry/api';
import type { EventEnvelope } from '@wos/contracts';
import { extractTraceContext, withBatchConsumerSpan } from '../telemetry/telemetry';
import { consumerCommits, consumerDeadLetters, consumerLag, eventsConsumed } from '../http/metrics';
import { claimedEventType, parseConsumableEnvelope, parseMessageJson, toConsumableEnvelope, type ParsedMessage } from './consumable-envelope';
import type { ConsumerDeadLetters, DeadLetterRow } from './dead-letters';
import { isDependencyOutage } from './dependency-outage';

export interface ConsumedEvent {
  envelope: EventEnvelope;
  topic: string;
  partition: number;
  offset: string;
  trace: Context;
}

export interface EventConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  logger: Logger;
  /**
   * Applies a chunk of events. It must be idempotent (record event IDs in an inbox in the same
   * transaction as the effect): offsets are committed only after it returns, so after a crash
   * the same events arrive again.
   */
  handle: (events: ConsumedEvent[]) => Promise<void>;
  chunkSize?: number;
  /**
   * The service's dead-letter table (CONSUMER_DEAD_LETTERS_DDL). With it, a message that is not
   * a valid envelope, or that the handler keeps failing on, is written there and passed; replays
   * the CLI requests are applied through `handle`. Without it, invalid messages are logged and
   * skipped and a failing handler is retried forever.
   */
  deadLetters?: ConsumerDeadLetters;
  /** Handler attempts before a failing chunk is split, and a failing single message dead-lettered (default 5). */
  maxAttempts?: number;
  /** First retry delay, doubled per attempt up to 5 s (default 100 ms). */
  retryDelayMs?: number;
  /** How often requested replays are looked for (default REPLAY_POLL_MS; the CLI waits 30 s for the outcome). */
  replayPollMs?: number;
  /** How long the broker may hold an empty fetch (default CONSUMER_MAX_WAIT_MS). */
  maxWaitTimeInMs?: number;
  /**
   * How late `handle` may see a message, in ms after it was published (default 0: as soon as the
   * broker has it; at most CONSUMER_MAX_WAIT_MS). Above 0 the consumer fetches in bulk: the broker
   * holds each fetch until BULK_FETCH_MIN_BYTES are there or this long has passed. Replaces
   * `maxWaitTimeInMs`.
   */
  fetchDelayMs?: number;
  /**
   * The event types this consumer applies (default: all). A message naming another type passes
   * unvalidated and is never handed to `handle` or dead-lettered: it is another group's concern,
   * and validating it cost a group that reads a topic for one of its types most of its CPU.
   */
  wants?: (eventType: string) => boolean;
  /** How long offsets of passed-over messages may wait for their commit (default SKIPPED_COMMIT_MS). */
  skippedCommitMs?: number;
}

/**
 * A fetch is a long poll: the broker answers it as soon as one byte (minBytes) is there for any
 * assigned partition, and waits at most this long when nothing is. So a longer wait costs no
 * delivery latency; it only sets how often an idle consumer asks (100 ms cost each consuming
 * service ~3 % of a core at idle). What it does delay: heartbeats go out between fetches, so a
 * rebalance is noticed (and a stopping consumer leaves) up to this much later; it stays well
 * under the 30 s session timeout.
 */
export const CONSUMER_MAX_WAIT_MS = 5000;
/**
 * How often a consumer looks for replays the CLI requested: one indexed probe per look, in every
 * consuming service, idle or not; the CLI waits 30 s for the outcome, three looks.
 */
export const REPLAY_POLL_MS = 10_000;
/**
 * Offsets of messages a consumer passed over (another group's types) are committed at most this
 * long after they were read: with the next chunk the consumer applies, after this long since
 * its last commit, by a timer when the topic falls quiet, and on stop. kafkajs commits after
 * every batch, and a group that reads a busy topic for one rare type (organizations, radar,
 * authorization and pipes on identity's, two events per sign-in) paid an OffsetCommit request,
 * and the broker a log append, for each one. Losing these commits (a crash, a rebalance) only
 * makes the partition's next owner read and pass over the same messages again.
 */
export const SKIPPED_COMMIT_MS = 1000;
/**
 * What a bulk fetch (`fetchDelayMs`) waits for, unless its delay runs out first. A prompt fetch
 * (minBytes 1) is answered as soon as any produce request lands, so a group that reads a busy
 * topic for one rare type fetched once per produce request and passed over what it got: with a
 * sign-in's events on identity's topic, organizations' fetches cost it and the broker about
 * 0.65 ms of CPU per sign-in (docs/benchmarks.md). Bulk, it fetches about once per delay at such
 * rates.
 */
export const BULK_FETCH_MIN_BYTES = 512 * 1024;

/** A `fetchDelayMs` a consumer accepts: an integer from 0 to CONSUMER_MAX_WAIT_MS. */
export function isFetchDelay(ms: number): boolean {
  return Number.isInteger(ms) && ms >= 0 && ms <= CONSUMER_MAX_WAIT_MS;
}

/* One consumed message: the parsed event for the handler and the raw bytes for a dead letter. */
interface Item {
  event: ConsumedEvent;
  raw: KafkaMessage;
}

/**
 * Consumes WorkOS event envelopes from domain topics. Invariants: an offset is committed only
 * after every message before it was applied or durably dead-lettered, so nothing is lost; a
 * failing chunk is retried with backoff, then bisected until the failing message is alone, and
 * only that message is dead-lettered (after its own retries, and only once the dead-letter row is
 * written), so a poison message never blocks its partition and never takes good ones with it;
 * a chunk's offsets are committed as soon as it is applied, while offsets of messages only passed
 * over wait up to SKIPPED_COMMIT_MS for a commit (losing them costs a re-read, nothing else).
 */
export class EventConsumer {
  private consumer?: Consumer;
  private stopping = false;
  private readonly log: Logger;
  private replayTimer?: NodeJS.Timeout;
  private replaying?: Promise<void>;
  /** Commits run one at a time, in call order, so a committed offset never moves back. */
  private committing: Promise<void> = Promise.resolve();
  private lastCommitAt = Date.now();
  /** Resolved offsets of passed-over messages still uncommitted, by `topic/partition`, and the timer that commits them. */
  private readonly skipped = new Map<string, { topic: string; partition: number; offset: string }>();
  private skippedTimer?: NodeJS.Timeout;

  constructor(private readonly opts: EventConsumerOptions) {
    this.log = opts.logger.child({ context: 'EventConsumer', group: opts.groupId });
  }

  /** How late this consumer may hand a message over (0: prompt; above 0, it fetches in bulk). */
  get fetchDelayMs(): number {
    return this.opts.fetchDelayMs ?? 0;
  }

  async start(): Promise<void> {
    const delay = this.fetchDelayMs;
    if (!isFetchDelay(delay)) {
      throw new Error(`fetchDelayMs must be an integer from 0 to ${CONSUMER_MAX_WAIT_MS} (got ${delay})`);
    }
    const consumer = this.opts.kafka.consumer({
      groupId: this.opts.groupId,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      ...(delay > 0 ? { maxWaitTimeInMs: delay, minBytes: BULK_FETCH_MIN_BYTES } : { maxWaitTimeInMs: this.opts.maxWaitTimeInMs ?? CONSUMER_MAX_WAIT_MS }),
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    this.consumer = consumer;
    await consumer.connect();
    for (const topic of this.opts.topics) await consumer.subscribe({ topic, fromBeginning: true });
    // A rebalance restarts every partition from its committed offset, so what was passed over
    // and not yet committed is read again by its new owner.
    consumer.on(consumer.events.GROUP_JOIN, () => this.skipped.clear());
    await consumer.run({ eachBatchAutoResolve: false, autoCommit: false, eachBatch: (p) => this.onBatch(p) });
    if (this.opts.deadLetters) this.scheduleReplays();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.replayTimer);
    await this.replaying;
    await this.commitSkipped();
    await this.consumer?.disconnect();
  }

  private async onBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const chunkSize = this.opts.chunkSize ?? 500;
    let pending: Item[] = [];
    let invalid: { raw: KafkaMessage; error: string }[] = [];
    let lastOffset: string | undefined;
    const flush = async () => {
      for (const bad of invalid) await this.deadLetterInvalid(batch.topic, batch.partition, bad.raw, bad.error, p);
      if (pending.length) await this.apply(pending, p);
      if (lastOffset !== undefined) {
        p.resolveOffset(lastOffset);
        if (pending.length || invalid.length || Date.now() - this.lastCommitAt >= this.skippedCommitMs()) {
          await this.commit(p);
        } else {
          this.passedOver(batch.topic, batch.partition, lastOffset);
        }
      }
      await p.heartbeat();
      pending = [];
      invalid = [];
      lastOffset = undefined;
    };
    for (const message of batch.messages) {
      if (!p.isRunning() || p.isStale()) return;
      const json = parseMessageJson(message.value);
      if (!this.isAnotherGroupsType(json)) {
        const parsed = toConsumableEnvelope(json);
        if ('envelope' in parsed) {
          pending.push({ raw: message, event: this.consumed(parsed.envelope, batch.topic, batch.partition, message.offset, message.headers) });
        } else {
          invalid.push({ raw: message, error: parsed.error });
        }
      }
      lastOffset = message.offset;
      if (pending.length + invalid.length >= chunkSize) await flush();
    }
    await flush();
    // What the broker still held beyond this batch when it was fetched (a stalled consumer keeps its last value).
    consumerLag.labels(this.opts.groupId, batch.topic, String(batch.partition)).set(Math.max(0, Number(batch.offsetLag())));
  }

  private skippedCommitMs(): number {
    return this.opts.skippedCommitMs ?? SKIPPED_COMMIT_MS;
  }

  /** Commits every offset resolved so far (this chunk's, and any passed over before it). */
  private async commit(p: EachBatchPayload): Promise<void> {
    this.skipped.clear();
    clearTimeout(this.skippedTimer);
    this.skippedTimer = undefined;
    const offsets = p.uncommittedOffsets();
    if (offsets.topics.length) await this.serially(() => p.commitOffsetsIfNecessary(offsets));
  }

  /** Leaves a passed-over offset for later, arming the timer that commits it if the topic falls quiet. */
  private passedOver(topic: string, partition: number, lastOffset: string): void {
    this.skipped.set(`${topic}/${partition}`, { topic, partition, offset: String(BigInt(lastOffset) + 1n) });
    this.skippedTimer ??= setTimeout(() => {
      this.skippedTimer = undefined;
      void this.commitSkipped();
    }, this.skippedCommitMs() - (Date.now() - this.lastCommitAt)).unref();
  }

  /** Commits the passed-over offsets left for later. Never throws: a failed commit costs a re-read. */
  private async commitSkipped(): Promise<void> {
    if (!this.skipped.size || !this.consumer) return;
    const offsets = [...this.skipped.values()];
    this.skipped.clear();
    clearTimeout(this.skippedTimer);
    this.skippedTimer = undefined;
    const consumer = this.consumer;
    await this.serially(() => consumer.commitOffsets(offsets)).catch((err: Error) =>
      this.log.warn({ err: err.message }, 'could not commit passed-over offsets; their messages may be read again'),
    );
  }

  private serially(commit: () => Promise<unknown>): Promise<void> {
    const next = this.committing.then(async () => {
      await commit();
      this.lastCommitAt = Date.now();
      consumerCommits.labels(this.opts.groupId).inc();
    });
    this.committing = next.catch(() => undefined);
    return next;
  }

  /* A message that names a type this consumer does not want passes with the offset, unvalidated. */
  private isAnotherGroupsType(json: ParsedMessage): boolean {
    const type = this.opts.wants && claimedEventType(json);
    return typeof type === 'string' && !this.opts.wants!(type);
  }

  private consumed(envelope: EventEnvelope, topic: string, partition: number, offset: string, headers?: IHeaders): ConsumedEvent {
    return { envelope, topic, partition, offset, trace: extractTraceContext((headers ?? {}) as Record<string, Buffer | string | undefined>) };
  }

  /**
   * Applies a chunk: retried until the handler has failed `maxAttempts` times (outages of a
   * dependency not counted; without a dead-letter table, forever), then split in halves applied
   * in order; a single message that still fails is dead-lettered.
   */
  private async apply(items: Item[], p: EachBatchPayload): Promise<void> {
    const maxAttempts = this.opts.deadLetters ? (this.opts.maxAttempts ?? 5) : Number.POSITIVE_INFINITY;
    let lastError: unknown;
    // Only failures of the handler's own count toward maxAttempts; a dependency outage (Postgres
    // restarting, a service unreachable) is retried for as long as it lasts, with the backoff.
    for (let failures = 0, tries = 0; ; ) {
      try {
        await this.run(items);
        return;
      } catch (err) {
        lastError = err;
        if (this.stopping || !p.isRunning()) throw err;
        const outage = isDependencyOutage(err);
        if (!outage && ++failures >= maxAttempts) break;
        const delay = this.delay(++tries);
        this.log.error({ err, attempt: failures, outage, delay, count: items.length }, 'event handler failed; retrying');
        await new Promise((r) => setTimeout(r, delay));
        await p.heartbeat().catch(() => undefined);
      }
    }
    if (items.length > 1) {
      const mid = Math.ceil(items.length / 2);
      await this.apply(items.slice(0, mid), p);
      await this.apply(items.slice(mid), p);
      return;
    }
    await this.deadLetterPoison(items[0]!, lastError, maxAttempts, p);
  }

  private async run(items: Item[]): Promise<void> {
    const events = items.map((i) => i.event);
    await withBatchConsumerSpan(`${this.opts.groupId} process`, events.map((e) => e.trace), () => this.opts.handle(events));
    eventsConsumed.labels(this.opts.groupId).inc(events.length);
  }

  private delay(attempt: number): number {
    return Math.min(5000, (this.opts.retryDelayMs ?? 100) * 2 ** (attempt - 1));
  }

  /*
   * The handler is tried once more before each write of the dead letter: if the failure was the
   * database itself, the write fails too and the loop goes on until one of them succeeds, so an
   * outage never turns good messages into dead letters.
   */
  private async deadLetterPoison(item: Item, error: unknown, attempts: number, p: EachBatchPayload): Promise<void> {
    const { event, raw } = item;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.record(event.topic, event.partition, raw, String((error as Error)?.message ?? error), attempts, event.envelope);
        return;
      } catch (err) {
        if (this.stopping || !p.isRunning()) throw err;
        this.log.error({ err, offset: event.offset }, 'could not write a dead letter; retrying the handler and the write');
        await new Promise((r) => setTimeout(r, this.delay(Math.min(attempt, 7))));
        await p.heartbeat().catch(() => undefined);
        try {
          await this.run([item]);
          return;
        } catch (again) {
          // The dead letter keeps the message's own failure, not the outage that interrupted it.
          if (!isDependencyOutage(again)) error = again;
        }
      }
    }
  }

  private async deadLetterInvalid(topic: string, partition: number, raw: KafkaMessage, error: string, p: EachBatchPayload): Promise<void> {
    if (!this.opts.deadLetters) {
      this.log.error({ topic, partition, offset: raw.offset, error }, 'skipping a message that is not an event envelope');
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.record(topic, partition, raw, error, 0);
        return;
      } catch (err) {
        if (this.stopping || !p.isRunning()) throw err;
        this.log.error({ err, offset: raw.offset }, 'could not write a dead letter; retrying');
        await new Promise((r) => setTimeout(r, this.delay(Math.min(attempt, 7))));
        await p.heartbeat().catch(() => undefined);
      }
    }
  }

  private async record(topic: string, partition: number, raw: KafkaMessage, error: string, attempts: number, envelope?: EventEnvelope): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw.headers ?? {})) {
      if (v !== undefined) headers[k] = Buffer.from(Array.isArray(v) ? v.join(',') : v).toString('base64');
    }
    await this.opts.deadLetters!.record({
      group: this.opts.groupId,
      topic,
      partition,
      offset: raw.offset,
      eventId: envelope?.id,
      eventType: envelope?.event,
      key: raw.key ?? null,
      value: raw.value ?? null,
      headers,
      error,
      attempts,
    });
    consumerDeadLetters.labels(this.opts.groupId, topic).inc();
    this.log.warn({ topic, partition, offset: raw.offset, event_id: envelope?.id, event: envelope?.event, error, attempts }, 'message dead-lettered; the partition moves on (replay it with the CLI after a fix)');
  }

  private scheduleReplays(): void {
    if (this.stopping) return;
    this.replayTimer = setTimeout(() => {
      this.replaying = this.replayRequested()
        .catch((err: Error) => this.log.warn({ err: err.message }, 'could not look for dead-letter replays'))
        .finally(() => this.scheduleReplays());
    }, this.opts.replayPollMs ?? REPLAY_POLL_MS);
  }

  /** Applies every replay the CLI requested, once each, through the handler. */
  private async replayRequested(): Promise<void> {
    const store = this.opts.deadLetters!;
    while (!this.stopping && (await store.replayNext(this.opts.groupId, (row) => this.replay(row)))) {
      // one row per transaction
    }
  }

  private async replay(row: DeadLetterRow): Promise<void> {
    const parsed = parseConsumableEnvelope(row.message_value);
    if (!('envelope' in parsed)) throw new Error(`still ${parsed.error}`);
    const headers = Object.fromEntries(Object.entries(row.message_headers ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
    await this.opts.handle([this.consumed(parsed.envelope, row.topic, row.partition, String(row.offset), headers)]);
    this.log.info({ id: row.id, event_id: parsed.envelope.id, topic: row.topic }, 'dead letter replayed');
  }
}
