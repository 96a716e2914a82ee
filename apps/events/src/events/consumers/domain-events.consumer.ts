import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Histogram } from 'prom-client';
import { isInternalEventType, type EventEnvelope } from '@wos/contracts';
import { ALL_EVENTS, LOGGER, registry, type ConsumedEvent, type Logger } from '@wos/platform';
import { UsageService } from '../../usage/usage.service';
import { EventsService } from '../events.service';
import type { NewEvent } from '../events.repository';
import { toNewEvent } from '../stored-event.dto';

const visibilityLag = new Histogram({
  name: 'events_store_lag_seconds',
  help: 'Time from an event being created to it being stored by the events service',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

/**
 * Every domain topic into the events table, one consumed chunk per call (the kit's transport
 * runs it; offsets are committed only after it returns). Invariant: a chunk is stored in one
 * transaction, in message order (EventsRepository.insertInOrder), and the event id is the
 * idempotency record, so a redelivered chunk changes nothing.
 * Internal event types (INTERNAL_TOPICS: the gateway's rate-limit usage) are never stored as
 * events: they go to the usage projection, whose inbox is the idempotency record.
 */
@Controller()
export class DomainEventsConsumer {
  private readonly log: Logger;

  constructor(
    @Inject(LOGGER) logger: Logger,
    private readonly events: EventsService,
    private readonly usage: UsageService,
  ) {
    this.log = logger.child({ context: DomainEventsConsumer.name });
  }

  @EventPattern(ALL_EVENTS, { batch: true })
  async store(@Payload() chunk: ConsumedEvent[]): Promise<void> {
    const rows: NewEvent[] = [];
    const internal: EventEnvelope[] = [];
    for (const c of chunk) {
      if (isInternalEventType(c.envelope.event)) {
        internal.push(c.envelope);
        continue;
      }
      const row = toNewEvent(c.envelope);
      if (row) rows.push(row);
      else this.log.error({ id: c.envelope.id, topic: c.topic, partition: c.partition, offset: c.offset }, 'skipping an event that cannot be stored');
    }
    await this.usage.recordRateLimitUsage(internal);
    await this.events.record(rows);
    const now = Date.now();
    for (const r of rows) visibilityLag.observe((now - Date.parse(r.createdAt)) / 1000);
  }
}
