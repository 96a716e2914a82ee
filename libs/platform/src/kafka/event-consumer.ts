import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Context } from '@opentelemetry/api';
import { eventEnvelopeSchema, type EventEnvelope } from '@wos/contracts';
import { extractTraceContext, withBatchConsumerSpan } from '../telemetry/telemetry';
import { eventsConsumed } from '../http/metrics';

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
}

/**
 * Consumes WorkOS event envelopes from domain topics. Invariant: an offset is committed only
 * after the handler has durably applied every event before it, and a failing handler is
 * retried (with backoff) rather than skipped, so nothing is lost. Messages that are not valid
 * envelopes are logged and skipped; they can never become valid by retrying.
 */
export class EventConsumer {
  private consumer?: Consumer;
  private stopping = false;
  private readonly log: Logger;

  constructor(private readonly opts: EventConsumerOptions) {
    this.log = opts.logger.child({ context: 'EventConsumer', group: opts.groupId });
  }

  async start(): Promise<void> {
    const consumer = this.opts.kafka.consumer({
      groupId: this.opts.groupId,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: 100,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    this.consumer = consumer;
    await consumer.connect();
    for (const topic of this.opts.topics) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachBatchAutoResolve: false, autoCommit: true, eachBatch: (p) => this.onBatch(p) });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect();
  }

  private async onBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const chunkSize = this.opts.chunkSize ?? 500;
    let pending: ConsumedEvent[] = [];
    let lastOffset: string | undefined;
    const flush = async () => {
      if (pending.length) await this.applyWithRetry(pending, p);
      if (lastOffset !== undefined) p.resolveOffset(lastOffset);
      await p.commitOffsetsIfNecessary();
      await p.heartbeat();
      pending = [];
      lastOffset = undefined;
    };
    for (const message of batch.messages) {
      if (!p.isRunning() || p.isStale()) return;
      const envelope = this.parse(message.value, batch.topic, batch.partition, message.offset);
      if (envelope) {
        pending.push({
          envelope,
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          trace: extractTraceContext(message.headers as Record<string, Buffer | string | undefined>),
        });
      }
      lastOffset = message.offset;
      if (pending.length >= chunkSize) await flush();
    }
    await flush();
  }

  private parse(value: Buffer | null, topic: string, partition: number, offset: string): EventEnvelope | undefined {
    try {
      const parsed = eventEnvelopeSchema.safeParse(JSON.parse(value?.toString('utf8') ?? 'null'));
      if (parsed.success) return parsed.data;
      this.log.error({ topic, partition, offset, issues: parsed.error.issues }, 'skipping a message that is not an event envelope');
    } catch (err) {
      this.log.error({ topic, partition, offset, err }, 'skipping a message that is not JSON');
    }
    return undefined;
  }

  private async applyWithRetry(events: ConsumedEvent[], p: EachBatchPayload): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await withBatchConsumerSpan(`${this.opts.groupId} process`, events.map((e) => e.trace), () => this.opts.handle(events));
        eventsConsumed.labels(this.opts.groupId).inc(events.length);
        return;
      } catch (err) {
        if (this.stopping || !p.isRunning()) throw err;
        const delay = Math.min(5000, 100 * 2 ** attempt);
        this.log.error({ err, attempt, delay, count: events.length }, 'event handler failed; retrying');
        await new Promise((r) => setTimeout(r, delay));
        await p.heartbeat().catch(() => undefined);
      }
    }
  }
}
