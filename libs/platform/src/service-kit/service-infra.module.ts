import { Global, Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import { SecretBox } from '../crypto/secret-box';
import { HealthRegistry } from '../http/health';
import { OutboxGroupAppender } from '../outbox/outbox-group-appender';
import { pgExecutor } from '../outbox/outbox-writer';
import type { PooledPrisma } from '../prisma/pooled-prisma';
import { createPgPool } from '../prisma/prisma-client';
import { createQueue, type QueueName } from '../queue/queue';
import { createRedis, type Redis } from '../redis/redis';
import { KafkaEventTransport } from './kafka-event.transport';
import { OutboxRelayService } from './outbox-relay.service';
import { APP_CONFIG, LOGGER, queueToken, REDIS } from './tokens';

/** What the kit reads from a service's parsed config (the platform's config schemas give these names). */
export interface KitConfig {
  DATABASE_URL?: string;
  DATABASE_POOL_SIZE?: number;
  KAFKA_BROKERS?: string[];
  REDIS_URL?: string;
  SECRET_ENCRYPTION_KEYS?: string;
}

/** The app's Prisma class: `class PrismaService extends pooledPrismaClient(PrismaClient) {}`. */
export type PrismaServiceClass = new (databaseUrl: string, poolSize: number, health: HealthRegistry) => PooledPrisma;

export interface ServiceKitOptions {
  /** The service's name: relay lock, Kafka client id, logs. */
  name: string;
  config: KitConfig;
  logger: Logger;
  /** Provided under this class as the token, constructed on DATABASE_URL with a readiness check. */
  prisma?: PrismaServiceClass;
  /**
   * Runs the outbox relay, which publishes to these topics (rows name their topic). With `prisma`,
   * also provides an OutboxGroupAppender (class token) on its pool, for events with no state
   * change to commit with (group commit: one statement, one NOTIFY, for many requests).
   * `kafkaReadiness: false` leaves Kafka out of the service's readiness: for the edge (the
   * gateway), which must keep serving while Kafka is down; its rows wait in the outbox meanwhile.
   */
  outbox?: { topics: readonly string[]; kafkaReadiness?: boolean };
  /**
   * Consumes domain events: the controllers' `@EventPattern` handlers, through KafkaEventTransport
   * (bootstrapService connects it). Dead letters go to the service's database.
   */
  consumer?: { groupId: string; topics?: readonly string[]; maxAttempts?: number; retryDelayMs?: number };
  /** Provides an ioredis client under REDIS, with a readiness check. */
  redis?: boolean;
  /** Provides a SecretBox (class token) under SECRET_ENCRYPTION_KEYS, for secrets read back (DESIGN rule 7). */
  secrets?: boolean;
  /** BullMQ queues on REDIS_URL, each injectable with `@InjectQueue(name)`, closed at shutdown; a `redis` readiness check. */
  queues?: readonly QueueName[];
}

/* Closes what the kit opened (Redis, queues, a dead-letter pool) after the HTTP server and consumers have stopped. */
class KitLifecycle implements OnApplicationShutdown {
  constructor(private readonly closers: (() => Promise<unknown>)[]) {}
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.closers.map((close) => close().catch(() => undefined)));
  }
}

/**
 * The service kit: every service's infrastructure, wired once. A service imports
 * `ServiceInfraModule.forService({...})` in its AppModule and keeps only its domain; the
 * architecture test refuses apps that re-implement what is here.
 */
@Global()
@Module({})
export class ServiceInfraModule {
  static forService(opts: ServiceKitOptions): DynamicModule {
    const { config } = opts;
    const need = <K extends keyof KitConfig>(key: K, what: string): NonNullable<KitConfig[K]> => {
      const value = config[key];
      if (value === undefined) throw new Error(`${opts.name}: ${what} needs ${key} in the service's config schema`);
      return value as NonNullable<KitConfig[K]>;
    };
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: config },
      { provide: LOGGER, useValue: opts.logger },
      HealthRegistry,
    ];
    const exports: (string | symbol | Function)[] = [APP_CONFIG, LOGGER, HealthRegistry];
    const closers: (() => Promise<unknown>)[] = [];

    if (opts.prisma) {
      const Prisma = opts.prisma;
      const url = need('DATABASE_URL', 'prisma');
      providers.push({ provide: Prisma, useFactory: (health: HealthRegistry) => new Prisma(url, config.DATABASE_POOL_SIZE ?? 10, health), inject: [HealthRegistry] });
      exports.push(Prisma);
    }
    if (opts.secrets) {
      providers.push({ provide: SecretBox, useValue: SecretBox.fromConfig(need('SECRET_ENCRYPTION_KEYS', 'secrets')) });
      exports.push(SecretBox);
    }
    if (opts.outbox) {
      const { topics, kafkaReadiness } = opts.outbox;
      const databaseUrl = need('DATABASE_URL', 'outbox');
      const brokers = need('KAFKA_BROKERS', 'outbox');
      providers.push({
        provide: OutboxRelayService,
        useFactory: (health: HealthRegistry) => new OutboxRelayService({ service: opts.name, topics, databaseUrl, brokers, logger: opts.logger, health: kafkaReadiness === false ? undefined : health }),
        inject: [HealthRegistry],
      });
    }
    if (opts.outbox && opts.prisma) {
      // One per service process: its statements serialise, which is what lets callers share them.
      providers.push({ provide: OutboxGroupAppender, useFactory: (prisma: PooledPrisma) => new OutboxGroupAppender(pgExecutor(prisma.pool)), inject: [opts.prisma] });
      exports.push(OutboxGroupAppender);
    }
    if (opts.consumer) {
      const consumer = opts.consumer;
      const brokers = need('KAFKA_BROKERS', 'consumer');
      const databaseUrl = need('DATABASE_URL', 'consumer (its dead-letter table)');
      // The dead-letter table is written on the service's pool; a service without Prisma gets a small one.
      const poolOf = (prisma?: PooledPrisma) => {
        if (prisma) return prisma.pool;
        const pool = createPgPool(databaseUrl, 2);
        closers.push(() => pool.end());
        return pool;
      };
      providers.push({
        provide: KafkaEventTransport,
        useFactory: (health: HealthRegistry, prisma?: PooledPrisma) =>
          new KafkaEventTransport({ ...consumer, brokers, logger: opts.logger.child({ context: 'KafkaEventTransport' }), health, pool: poolOf(prisma) }),
        inject: opts.prisma ? [HealthRegistry, opts.prisma] : [HealthRegistry],
      });
      exports.push(KafkaEventTransport);
    }
    if (opts.redis || opts.queues?.length) {
      const redisUrl = need('REDIS_URL', 'redis');
      if (opts.redis) {
        providers.push({
          provide: REDIS,
          useFactory: (health: HealthRegistry): Redis => {
            const client = createRedis(redisUrl);
            // ioredis reconnects by itself; without a listener each failed attempt is an
            // "Unhandled error event" on stderr. One warning per outage-minute is enough.
            let lastWarned = 0;
            client.on('error', (err: Error) => {
              if (Date.now() - lastWarned < 60_000) return;
              lastWarned = Date.now();
              opts.logger.warn({ err: err.message }, 'redis unreachable; commands wait or fail until it is back');
            });
            health.add('redis', () => client.ping());
            closers.push(() => client.quit());
            return client;
          },
          inject: [HealthRegistry],
        });
        exports.push(REDIS);
      }
      for (const [i, name] of (opts.queues ?? []).entries()) {
        providers.push({
          provide: queueToken(name),
          useFactory: (health: HealthRegistry) => {
            const queue = createQueue(name, redisUrl);
            // The queues' Redis is readiness too; with `redis` its client's check already covers it.
            if (i === 0 && !opts.redis) health.add('redis', () => queue.count());
            closers.push(() => queue.close());
            return queue;
          },
          inject: [HealthRegistry],
        });
        exports.push(queueToken(name));
      }
    }
    providers.push({ provide: KitLifecycle, useFactory: () => new KitLifecycle(closers) });
    return { module: ServiceInfraModule, providers, exports };
  }
}
