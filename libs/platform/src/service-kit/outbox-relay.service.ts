import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { HealthRegistry } from '../http/health';
import { KafkaAdminProbe } from '../kafka/admin-probe';
import { createKafka, ensureTopics } from '../kafka/kafka';
import { OutboxRelay } from '../outbox/outbox-relay';

/**
 * Runs the service's outbox relay for the life of the process: one leader per database publishes
 * (see OutboxRelay). Readiness includes a Kafka round trip (given `health`) on one kept admin
 * connection (KafkaAdminProbe). Topic creation at boot is best effort: the relay retries until
 * Kafka is there, and nothing is lost meanwhile.
 */
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly relay: OutboxRelay;
  private readonly kafka;
  private readonly probe: KafkaAdminProbe;

  constructor(
    private readonly opts: { service: string; topics: readonly string[]; databaseUrl: string; brokers: string[]; logger: Logger; health?: HealthRegistry },
  ) {
    this.kafka = createKafka({ brokers: opts.brokers, clientId: opts.service, logger: opts.logger });
    this.probe = new KafkaAdminProbe(this.kafka);
    this.relay = new OutboxRelay({ databaseUrl: opts.databaseUrl, kafka: this.kafka, logger: opts.logger, lockName: `${opts.service}.outbox` });
    opts.health?.add('kafka', () => this.probe.run((admin) => admin.describeCluster()));
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, this.opts.topics).catch((err: Error) => this.opts.logger.warn({ err: err.message }, 'could not ensure Kafka topics at boot'));
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
    await this.relay.stop();
  }
}
