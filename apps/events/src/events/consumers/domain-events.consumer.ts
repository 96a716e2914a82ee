import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Histogram } from 'prom-client';
import { ALL_DOMAIN_TOPICS } from '@wos/contracts';
import { ConsumerDeadLetters, createKafka, ensureTopics, EventConsumer, HealthRegistry, newUlid, registry, type ConsumedEvent, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../../config';
import { EventsService } from '../events.service';
import { PrismaService } from '../../infra/prisma.service';
import type { NewEvent } from '../events.repository';
import { toNewEvent } from '../stored-event.dto';

const visibilityLag = new Histogram({
  name: 'events_store_lag_seconds',
  help: 'Time from an event being created to it being stored by the events service',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

/**
 * Consumes every domain topic into the events table. Started in the background, so the HTTP
 * API keeps serving stored events while Kafka is unreachable; readiness says whether this
 * process is a member of the consumer group. It stops in onModuleDestroy, which Nest runs before
 * the global InfraModule's, so a chunk in flight still has its database.
 */
@Injectable()
export class DomainEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly kafka: Kafka;
  private readonly clientId = `events-${hostname()}-${process.pid}-${newUlid().slice(-8)}`;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private consumer?: EventConsumer;
  private starting?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    health: HealthRegistry,
    private readonly events: EventsService,
    private readonly prisma: PrismaService,
  ) {
    this.log = logger.child({ context: DomainEventsConsumer.name });
    this.kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: this.clientId, logger });
    health.add('kafka', () => this.checkMembership());
  }

  onApplicationBootstrap(): void {
    this.starting = this.startWithRetry();
  }

  async onModuleDestroy(): Promise<void> {
    this.abort.abort();
    await this.starting;
    await this.consumer?.stop();
  }

  private async startWithRetry(): Promise<void> {
    for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
      try {
        await ensureTopics(this.kafka, ALL_DOMAIN_TOPICS);
        this.consumer = new EventConsumer({
          kafka: this.kafka,
          groupId: this.config.KAFKA_GROUP_ID,
          topics: ALL_DOMAIN_TOPICS,
          logger: this.log,
          handle: (chunk) => this.handle(chunk),
          deadLetters: new ConsumerDeadLetters(this.prisma.pool),
        });
        await this.consumer.start();
        this.log.info({ group: this.config.KAFKA_GROUP_ID, topics: ALL_DOMAIN_TOPICS }, 'consuming domain events');
        return;
      } catch (err) {
        await this.consumer?.stop().catch(() => undefined);
        this.consumer = undefined;
        this.log.warn({ err: (err as Error).message, attempt }, 'could not start the Kafka consumer; will retry');
        await sleep(Math.min(5000, 250 * 2 ** attempt), undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
    }
  }

  private async handle(chunk: ConsumedEvent[]): Promise<void> {
    const rows: NewEvent[] = [];
    for (const c of chunk) {
      const row = toNewEvent(c.envelope);
      if (row) rows.push(row);
      else this.log.error({ id: c.envelope.id, topic: c.topic, partition: c.partition, offset: c.offset }, 'skipping an event that cannot be stored');
    }
    await this.events.record(rows);
    const now = Date.now();
    for (const r of rows) visibilityLag.observe((now - Date.parse(r.createdAt)) / 1000);
  }

  private async checkMembership(): Promise<void> {
    if (!this.consumer) throw new Error('consumer not started');
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([this.config.KAFKA_GROUP_ID]);
      const group = groups[0];
      if (!group?.members.some((m) => m.clientId === this.clientId)) {
        throw new Error(`not yet a member of consumer group ${this.config.KAFKA_GROUP_ID} (state ${group?.state ?? 'unknown'})`);
      }
    } finally {
      await admin.disconnect();
    }
  }
}
