import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Counter } from 'prom-client';
import { ConsumerDeadLetters, createKafka, ensureTopics, EventConsumer, HealthRegistry, newUlid, registry, type ConsumedEvent, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../../config';
import { DeliveryService } from '../delivery.service';
import { PrismaService } from '../../infra/prisma.service';

const deliveriesCreated = new Counter({ name: 'webhook_deliveries_created_total', help: 'Deliveries created from consumed events', registers: [registry] });

/**
 * Consumes every domain topic into deliveries (one transaction per chunk, see DeliveryRepository.ingest). Started in the background, so the HTTP
 * API keeps serving stored events while Kafka is unreachable; readiness says whether this
 * process is a member of the consumer group. It stops in onModuleDestroy, which Nest runs before
 * the global InfraModule's, so a chunk in flight still has its database.
 */
@Injectable()
export class DomainEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly kafka: Kafka;
  private readonly clientId = `webhook-dispatcher-${hostname()}-${process.pid}-${newUlid().slice(-8)}`;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private consumer?: EventConsumer;
  private starting?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    health: HealthRegistry,
    private readonly deliveries: DeliveryService,
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
        await ensureTopics(this.kafka, this.config.WEBHOOK_KAFKA_TOPICS);
        this.consumer = new EventConsumer({
          kafka: this.kafka,
          groupId: this.config.KAFKA_GROUP_ID,
          topics: this.config.WEBHOOK_KAFKA_TOPICS,
          logger: this.log,
          handle: (chunk) => this.handle(chunk),
          // Envelopes are validated strictly (a real created_at, storable text) before the handler:
          // a bad one is dead-lettered instead of failing the ingest statement for its whole partition.
          deadLetters: new ConsumerDeadLetters(this.prisma.pool),
        });
        await this.consumer.start();
        this.log.info({ group: this.config.KAFKA_GROUP_ID, topics: this.config.WEBHOOK_KAFKA_TOPICS }, 'consuming domain events');
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
    const created = await this.deliveries.ingest(chunk.map((c) => c.envelope));
    deliveriesCreated.inc(created.length);
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
