import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ALL_DOMAIN_TOPICS, INTERNAL_TOPICS } from '@wos/contracts';
import { createLogger, QueueName, startService, type Logger } from '@wos/platform';
import type { AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { EventsModule } from './events/events.module';
import { RetentionModule } from './retention/retention.module';
import { eventsOpenApi } from './openapi';

/**
 * Starts the events service; main.ts calls it, and tests run it in-process and close it.
 * `consume: false` leaves the Kafka consumer out (a test that must be the only writer of its
 * database, since a fresh group would replay every topic of the shared broker into it).
 */
export function startEventsService(
  config: AppConfig,
  logger: Logger = createLogger('events', config.LOG_LEVEL),
  opts: { consume?: boolean } = {},
): Promise<NestFastifyApplication> {
  return startService({
    name: 'events',
    config,
    logger,
    // Every domain topic, and the internal ones (the gateway's rate-limit usage) for the usage
    // projection: the one handler is `@EventPattern(ALL_EVENTS, { batch: true })`.
    kit: {
      prisma: PrismaService,
      consumer: opts.consume === false ? undefined : { groupId: config.KAFKA_GROUP_ID, topics: [...ALL_DOMAIN_TOPICS, ...INTERNAL_TOPICS] },
      queues: [QueueName.EventsRetention],
    },
    modules: [EventsModule, RetentionModule],
    http: { openapi: eventsOpenApi },
  });
}
