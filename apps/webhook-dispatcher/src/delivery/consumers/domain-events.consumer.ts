import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Counter } from 'prom-client';
import { ALL_EVENTS, registry, type ConsumedEvent } from '@wos/platform';
import { traceHeadersOf } from '@wos/platform/telemetry';
import { DeliveryService } from '../delivery.service';

const deliveriesCreated = new Counter({ name: 'webhook_deliveries_created_total', help: 'Deliveries created from consumed events', registers: [registry] });

/**
 * Every consumed chunk (WEBHOOK_KAFKA_TOPICS, all domain topics by default) into deliveries, in
 * one transaction per chunk: the inbox claim and the deliveries are one statement
 * (DeliveryRepository.ingest), so a redelivered chunk creates nothing. Envelopes are validated
 * strictly (a real created_at, storable text) before this runs: a bad one is dead-lettered by
 * the kit's transport instead of failing the ingest statement for its whole partition.
 */
@Controller()
export class DomainEventsConsumer {
  constructor(private readonly deliveries: DeliveryService) {}

  @EventPattern(ALL_EVENTS, { batch: true })
  async deliver(@Payload() chunk: ConsumedEvent[]): Promise<void> {
    const traces = new Map(chunk.map((c) => [c.envelope.id, c.trace]));
    const created = await this.deliveries.ingest(
      chunk.map((c) => c.envelope),
      (id) => {
        const ctx = traces.get(id);
        return ctx ? traceHeadersOf(ctx) : undefined;
      },
    );
    deliveriesCreated.inc(created.length);
  }
}
