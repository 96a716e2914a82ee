import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { ALL_DOMAIN_TOPICS, EVENT_TOPICS, isKnownEventType } from '@wos/contracts';
import { ConsumerDeadLetters } from '../kafka/dead-letters';
import { CONSUMER_MAX_WAIT_MS, EventConsumer, isFetchDelay, type ConsumedEvent } from '../kafka/event-consumer';
import { KafkaAdminProbe } from '../kafka/admin-probe';
import { createKafka, ensureTopics } from '../kafka/kafka';
import { newUlid } from '../ids/ids';
import { statementsOfConsumers } from '../prisma/prisma-client';
import type { HealthRegistry } from '../http/health';

/** `@EventPattern(ALL_EVENTS, { batch: true })`: every event on the subscribed topics. */
export const ALL_EVENTS = '*';

/** Extras of `@EventPattern`. */
export interface EventPatternExtras {
  /** The handler receives the chunk's events as one array. */
  batch?: boolean;
  /**
   * How late the handler may apply an event, in ms after its publication (default 0; at most
   * CONSUMER_MAX_WAIT_MS). When every handler of the service allows a delay, its consumer fetches
   * in bulk with the least of them (EventConsumer `fetchDelayMs`): for clean-ups nobody waits on
   * (a deleted user's or organization's data), read from a busy topic of another service.
   */
  maxDelayMs?: number;
}

/**
 * The `maxDelayMs` of clean-up handlers: what the service holds of a deleted object goes within
 * 5 s of its deletion's event rather than at once, and the service's consumer no longer fetches
 * once per produce request on the topics it reads. It is the idle long poll's wait, so a bulk
 * consumer costs nothing more than a prompt one at idle (1 s doubled pipes' idle CPU).
 */
export const CLEANUP_MAX_DELAY_MS = CONSUMER_MAX_WAIT_MS;

export interface KafkaEventTransportOptions {
  brokers: string[];
  /** The consumer group: one per service (a shared group would split partitions between services). */
  groupId: string;
  logger: Logger;
  health: HealthRegistry;
  /** The service's pool, for its `consumer_dead_letters` table (the platform migrations create it). */
  pool: Pool;
  /** Default: the topics the handlers' event types are published on (`ALL_EVENTS`: every domain topic). */
  topics?: readonly string[];
  /** Passed to EventConsumer (tests shorten them). */
  maxAttempts?: number;
  retryDelayMs?: number;
  chunkSize?: number;
}

/**
 * The Nest microservice transport for domain events: `@EventPattern('organization.deleted')`
 * methods of ordinary controllers consume Kafka through the platform's EventConsumer, which keeps
 * its guarantees (offsets committed only after a chunk is applied or dead-lettered, a failing
 * chunk bisected until the poison message is alone, replays from the dead-letter table).
 *
 * Invariants: a pattern is an event type the contracts know, or ALL_EVENTS, so a typo fails at
 * start instead of consuming nothing; per-event handlers run one event at a time, in partition
 * order; a service has either per-event handlers or one batch handler, never both, so the order
 * in which a chunk's effects are applied is never in doubt; an event type without a handler is
 * another service's concern and passes. Handlers must be idempotent (the inbox, in the effect's
 * transaction): a chunk is redelivered after a crash.
 */
export class KafkaEventTransport extends Server implements CustomTransportStrategy {
  private readonly clientId: string;
  private readonly kafka: Kafka;
  private readonly probe: KafkaAdminProbe;
  private readonly abort = new AbortController();
  private consumer?: EventConsumer;
  private starting?: Promise<void>;
  private closed = false;
  private subscribed = false;
  /* Events of the chunk in hand that a handler already applied: when a later one fails, the
   * consumer retries (or bisects) the same event objects, and these are not applied again.
   * A redelivery after a crash brings new objects; the handlers' inbox covers that case. */
  private readonly applied = new WeakSet<ConsumedEvent>();

  constructor(private readonly opts: KafkaEventTransportOptions) {
    super();
    // Unique per process: readiness finds this consumer among the group's members by it.
    this.clientId = `${opts.groupId}-${hostname()}-${process.pid}-${newUlid().slice(-6)}`;
    this.kafka = createKafka({ brokers: opts.brokers, clientId: this.clientId, logger: opts.logger });
    this.probe = new KafkaAdminProbe(this.kafka);
    opts.health.add('kafka-consumer', () => this.checkMembership());
  }

  /** Starts consuming in the background: the HTTP API serves while Kafka is unreachable. */
  listen(callback: () => void): void {
    const plan = this.plan();
    this.subscribed = plan !== undefined;
    if (plan) this.starting = this.startWithRetry(plan.topics, plan.fetchDelayMs);
    callback();
  }

  /* Stops consuming before any module tears down what handlers use (Nest closes transports later). */
  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  /** Idempotent; waits for the chunk in flight, whose offsets are then committed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    await this.probe.close();
    await this.starting;
    await this.consumer?.stop();
  }

  on(): never {
    throw new Error('KafkaEventTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  /** The subscription the handlers declare; undefined when the service consumes nothing. */
  private plan(): { topics: readonly string[]; fetchDelayMs: number } | undefined {
    const handlers = [...this.messageHandlers];
    if (!handlers.length) return undefined;
    const unknown = handlers.map(([p]) => p).filter((p) => p !== ALL_EVENTS && !isKnownEventType(p));
    if (unknown.length) throw new Error(`@EventPattern names event types the contracts do not know: ${unknown.join(', ')}`);
    const batch = handlers.filter(([, h]) => isBatch(h));
    if (batch.length && (batch.length > 1 || handlers.length > 1)) {
      throw new Error(`a batch @EventPattern must be the service's only event handler (found ${handlers.map(([p]) => p).join(', ')})`);
    }
    const delays = handlers.map(([p, h]) => [p, extrasOf(h).maxDelayMs ?? 0] as const);
    const invalid = delays.filter(([, d]) => !isFetchDelay(d));
    if (invalid.length) throw new Error(`@EventPattern maxDelayMs must be an integer from 0 to ${CONSUMER_MAX_WAIT_MS} (${invalid.map(([p, d]) => `${p}: ${d}`).join(', ')})`);
    const fetchDelayMs = Math.min(...delays.map(([, d]) => d));
    if (this.opts.topics) return { topics: this.opts.topics, fetchDelayMs };
    const patterns = handlers.map(([p]) => p);
    const topics = patterns.includes(ALL_EVENTS) ? ALL_DOMAIN_TOPICS : [...new Set(patterns.map((p) => EVENT_TOPICS[p as keyof typeof EVENT_TOPICS]))];
    return { topics, fetchDelayMs };
  }

  private async startWithRetry(topics: readonly string[], fetchDelayMs: number): Promise<void> {
    const log = this.opts.logger;
    for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
      try {
        await ensureTopics(this.kafka, topics);
        this.consumer = new EventConsumer({
          kafka: this.kafka,
          groupId: this.opts.groupId,
          topics,
          logger: log,
          handle: (chunk) => statementsOfConsumers.run(true, () => this.dispatch(chunk)),
          wants: this.messageHandlers.has(ALL_EVENTS) ? undefined : (type) => this.messageHandlers.has(type),
          deadLetters: new ConsumerDeadLetters(this.opts.pool),
          maxAttempts: this.opts.maxAttempts,
          retryDelayMs: this.opts.retryDelayMs,
          chunkSize: this.opts.chunkSize,
          fetchDelayMs,
        });
        if (this.abort.signal.aborted) return;
        await this.consumer.start();
        log.info({ group: this.opts.groupId, topics, patterns: [...this.messageHandlers.keys()], fetch_delay_ms: fetchDelayMs }, 'consuming domain events');
        return;
      } catch (err) {
        await this.consumer?.stop().catch(() => undefined);
        this.consumer = undefined;
        log.warn({ err: (err as Error).message, attempt }, 'could not start the Kafka consumer; will retry');
        await sleep(Math.min(5000, 250 * 2 ** attempt), undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
    }
  }

  private async dispatch(chunk: ConsumedEvent[]): Promise<void> {
    const all = this.messageHandlers.get(ALL_EVENTS);
    if (all && isBatch(all)) return invoke(all, chunk);
    for (const event of chunk) {
      const handler = this.messageHandlers.get(event.envelope.event) ?? all;
      if (!handler || this.applied.has(event)) continue;
      await invoke(handler, event);
      this.applied.add(event);
    }
  }

  private async checkMembership(): Promise<void> {
    if (!this.subscribed) return;
    if (!this.consumer) throw new Error('consumer not started');
    const { groups } = await this.probe.run((admin) => admin.describeGroups([this.opts.groupId]));
    const group = groups[0];
    if (!group?.members.some((m) => m.clientId === this.clientId)) {
      throw new Error(`not yet a member of consumer group ${this.opts.groupId} (state ${group?.state ?? 'unknown'})`);
    }
  }
}

function extrasOf(handler: MessageHandler): EventPatternExtras {
  return (handler.extras as EventPatternExtras | undefined) ?? {};
}

function isBatch(handler: MessageHandler): boolean {
  return extrasOf(handler).batch === true;
}

/* Nest wraps handlers (pipes, filters); the result may be a promise of an observable. */
async function invoke(handler: MessageHandler, payload: unknown): Promise<void> {
  const result: unknown = await handler(payload);
  if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
}
