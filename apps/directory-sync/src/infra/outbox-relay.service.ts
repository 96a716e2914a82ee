import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createKafka, ensureTopics, HealthRegistry, OutboxRelay, type Logger } from '@wos/platform';
import { Topic } from '@wos/contracts';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';

/** Runs the outbox relay for this service's topic for the life of the process. */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly relay: OutboxRelay;
  private readonly kafka;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, @Inject(LOGGER) private readonly logger: Logger, health: HealthRegistry) {
    this.kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'directory-sync', logger });
    this.relay = new OutboxRelay({ databaseUrl: config.DATABASE_URL, kafka: this.kafka, logger, lockName: 'directory-sync.outbox' });
    health.add('kafka', async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      await admin.disconnect();
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Topic creation is best effort at boot: the relay retries until Kafka is there.
    await ensureTopics(this.kafka, [Topic.directorySync]).catch((err: Error) =>
      this.logger.warn({ err: err.message }, 'could not ensure Kafka topics at boot'),
    );
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
