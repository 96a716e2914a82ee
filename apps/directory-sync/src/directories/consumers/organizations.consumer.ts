import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Topic } from '@wos/contracts';
import { ConsumerDeadLetters, createKafka, ensureTopics, EventConsumer, newUlid, type ConsumedEvent, type Logger } from '@wos/platform';
import { APP_CONFIG, consumerGroupId, LOGGER, type AppConfig } from '../../config';
import { DirectoriesService } from '../directories.service';
import { PrismaService } from '../../infra/prisma.service';

/**
 * Consumes organizations.events.v1. Handlers are keyed by event type; every other type on the
 * topic is not this service's concern and is passed over. Started in the background so SCIM and
 * the API keep serving while Kafka is unreachable; stops before the database closes.
 */
@Injectable()
export class OrganizationEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly kafka: Kafka;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private consumer?: EventConsumer;
  private starting?: Promise<void>;
  private readonly handlers: Record<string, (e: ConsumedEvent) => Promise<void>> = {
    'organization.deleted': async (e) => {
      const deleted = await this.directories.deleteForDeletedOrganization(e.envelope.environment_id, String(e.envelope.data.id), e.envelope.id);
      if (deleted) this.log.info({ organization_id: e.envelope.data.id, directories: deleted }, 'removed the directories of a deleted organization');
    },
  };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly directories: DirectoriesService,
    private readonly prisma: PrismaService,
  ) {
    this.log = logger.child({ context: OrganizationEventsConsumer.name });
    this.kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `directory-sync-${hostname()}-${process.pid}-${newUlid().slice(-8)}`, logger });
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
    const groupId = consumerGroupId(this.config);
    for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
      try {
        await ensureTopics(this.kafka, [Topic.organizations]);
        this.consumer = new EventConsumer({
          kafka: this.kafka,
          groupId,
          topics: [Topic.organizations],
          logger: this.log,
          handle: (chunk) => this.handle(chunk),
          deadLetters: new ConsumerDeadLetters(this.prisma.pool),
        });
        await this.consumer.start();
        this.log.info({ group: groupId }, 'consuming organization events');
        return;
      } catch (err) {
        await this.consumer?.stop().catch(() => undefined);
        this.consumer = undefined;
        this.log.warn({ err: (err as Error).message, attempt }, 'could not start the Kafka consumer; will retry');
        await sleep(Math.min(5000, 250 * 2 ** attempt), undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
    }
  }

  /** In order; each handler is idempotent through the inbox, so a redelivered chunk changes nothing. */
  private async handle(chunk: ConsumedEvent[]): Promise<void> {
    for (const e of chunk) await this.handlers[e.envelope.event]?.(e);
  }
}
