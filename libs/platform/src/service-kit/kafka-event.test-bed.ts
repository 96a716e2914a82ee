import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Producer } from 'kafkajs';
import { bootstrapService } from '../http/bootstrap';
import { createKafka, ensureTopics } from '../kafka/kafka';
import type { Logger } from 'pino';
import { createLogger } from '../logging/logger';
import type { buildEvent } from '../outbox/build-event';
import { migrate } from '../prisma/migrator';
import { createTestDatabase, testInfra, uniqueSuffix, waitFor, type TestDatabase } from '../testing/testing';
import { ServiceInfraModule } from './service-infra.module';

/** An organization event's data, as the organizations service publishes it. */
export const organizationData = (id: string) => ({
  object: 'organization' as const, id, name: id, allow_profiles_outside_organization: false, domains: [],
  external_id: null, metadata: {}, created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
});

/**
 * What the service kit's consumer tests share (real Kafka and Postgres): a database holding only
 * the platform's own migrations (inbox, dead letters), a fresh three-partition topic, a producer,
 * and consuming apps built on ServiceInfraModule. close() stops every app it started, then drops
 * the database.
 */
export class ConsumerTestBed {
  readonly topic = `test.kit.${uniqueSuffix()}`;
  readonly logger: Logger;
  db!: TestDatabase;
  private producer!: Producer;
  private noMigrations = '';
  private readonly apps = new Set<NestFastifyApplication>();

  constructor(private readonly name: string) {
    this.logger = createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');
  }

  async open(): Promise<this> {
    const kafka = createKafka({ brokers: testInfra.kafkaBrokers, clientId: this.name, logger: this.logger });
    this.db = await createTestDatabase(this.name.replace(/-/g, '_'));
    this.noMigrations = mkdtempSync(join(tmpdir(), `${this.name}-`));
    await migrate(this.db.url, this.noMigrations);
    await ensureTopics(kafka, [this.topic]);
    this.producer = kafka.producer();
    await this.producer.connect();
    return this;
  }

  async close(): Promise<void> {
    for (const app of this.apps) await app.close();
    await this.producer?.disconnect();
    await this.db?.drop();
    if (this.noMigrations) rmSync(this.noMigrations, { recursive: true, force: true });
  }

  /** A consuming app of `controller` in group `groupId`. */
  moduleWith(controller: Type, groupId: string): DynamicModule {
    @Module({})
    class TestAppModule {}
    return {
      module: TestAppModule,
      imports: [
        ServiceInfraModule.forService({
          name: this.name,
          config: { DATABASE_URL: this.db.url, KAFKA_BROKERS: testInfra.kafkaBrokers },
          logger: this.logger,
          consumer: { groupId, topics: [this.topic], maxAttempts: 2, retryDelayMs: 10 },
        }),
      ],
      controllers: [controller],
    };
  }

  /** Starts the app of moduleWith() and waits until its consumer has joined the group (readiness). */
  async start(controller: Type, groupId: string, readyTimeoutMs = 30_000): Promise<NestFastifyApplication> {
    const app = await this.bootstrap(controller, groupId);
    this.apps.add(app);
    const close = app.close.bind(app);
    app.close = async () => {
      this.apps.delete(app);
      await close();
    };
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    await waitFor(async () => (await fetch(`${base}/ready`)).ok || undefined, { timeoutMs: readyTimeoutMs, message: `${groupId}: the consumer joins its group` });
    return app;
  }

  bootstrap(controller: Type, groupId: string): Promise<NestFastifyApplication> {
    return bootstrapService({ name: this.name, module: this.moduleWith(controller, groupId), host: '127.0.0.1', port: 0, logger: this.logger, consumesEvents: true });
  }

  /** Sends events to the topic, each with key(i) (one key keeps them in one partition, in order). */
  async send(events: ReturnType<typeof buildEvent>[], key: (i: number) => string = () => 'one-key'): Promise<void> {
    await this.producer.send({ topic: this.topic, messages: events.map((e, i) => ({ key: key(i), value: JSON.stringify(e) })) });
  }
}
