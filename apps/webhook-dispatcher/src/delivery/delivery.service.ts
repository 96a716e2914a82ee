import { Inject, Injectable } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { toPublicEvent, type EventEnvelope } from '@wos/contracts';
import { InjectQueue, QueueName, type Logger } from '@wos/platform';
import { LOGGER } from '../config';
import { DeliveryRepository, type DeliveryKey, type IncomingEvent } from './delivery.repository';

/**
 * A queued delivery: its key, and the W3C trace headers of the event that caused it (absent for
 * jobs the reconciler re-adds from Postgres), so the delivery continues the event's trace.
 */
export type DeliveryJob = DeliveryKey & { trace?: Record<string, string> };

/*
 * Job IDs are deterministic: `<event_id>:<endpoint_id>:<generation>`. BullMQ 6 refuses a custom
 * ID with exactly one `:` (it reserves that shape), so the generation (0 for the first delivery,
 * bumped by each redelivery or replay) is the third part. Adding a job whose ID is still in Redis
 * is a no-op, which is what lets the reconciler re-add everything blindly.
 */
export function jobId(k: DeliveryKey): string {
  return `${k.eventId}:${k.endpointId}:${k.generation}`;
}

function withTrace(k: DeliveryKey, trace: Record<string, string> | undefined): DeliveryJob {
  return trace && Object.keys(trace).length > 0 ? { ...k, trace } : k;
}

/** Finished jobs leave Redis at once: Postgres keeps the record, and the ID is free for reuse. */
const JOB_OPTIONS: JobsOptions = { removeOnComplete: true, removeOnFail: true };

/**
 * Turns consumed events into deliveries and schedules them. Postgres first, Redis second: a
 * crash between the two leaves pending rows without jobs, which the reconciler re-adds.
 * The queue is the kit's (its Redis is a readiness check), closed at shutdown after the consumer
 * and the workers have stopped.
 */
@Injectable()
export class DeliveryService {
  private readonly log: Logger;

  constructor(
    private readonly repo: DeliveryRepository,
    @Inject(LOGGER) logger: Logger,
    @InjectQueue(QueueName.WebhookDeliveries) readonly queue: Queue<DeliveryJob>,
  ) {
    this.log = logger.child({ context: DeliveryService.name });
  }

  /** `traceOf` gives an event's trace headers (traceHeadersOf), carried into its jobs. */
  async ingest(envelopes: EventEnvelope[], traceOf: (eventId: string) => Record<string, string> | undefined = () => undefined): Promise<DeliveryKey[]> {
    const seen = new Set<string>();
    const events: IncomingEvent[] = [];
    for (const e of envelopes) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      events.push({ id: e.id, environmentId: e.environment_id, type: e.event, body: JSON.stringify(toPublicEvent(e)), createdAt: e.created_at });
    }
    const created = await this.repo.ingest(events);
    // Best effort: if Redis is down now, the reconciler schedules these from Postgres later.
    await this.schedule(created, () => 0, traceOf).catch((err: Error) => this.log.warn({ err: err.message, count: created.length }, 'could not schedule deliveries; the reconciler will'));
    return created;
  }

  /** Adds a job per delivery, `delayMs` from now; existing job IDs are left as they are. */
  async schedule(
    keys: DeliveryKey[],
    delayMs: (k: DeliveryKey) => number = () => 0,
    traceOf: (eventId: string) => Record<string, string> | undefined = () => undefined,
  ): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      await this.queue.addBulk(chunk.map((k) => ({ name: 'deliver', data: withTrace(k, traceOf(k.eventId)), opts: { ...JOB_OPTIONS, jobId: jobId(k), delay: Math.max(0, delayMs(k)) } })));
    }
  }
}
