import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger, LOOPBACK_WARNING, QueueName, startService, type Logger } from '@wos/platform';
import type { AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { EndpointsModule } from './endpoints/endpoints.module';
import { DeliveryModule } from './delivery/delivery.module';
import { webhooksOpenApi } from './openapi';

/** Starts the service; main.ts and the tests both come through here. */
export function startWebhookDispatcher(config: AppConfig, logger: Logger = createLogger('webhook-dispatcher', config.LOG_LEVEL)): Promise<NestFastifyApplication> {
  if (config.ALLOW_LOOPBACK_URLS) logger.warn(LOOPBACK_WARNING);
  return startService({
    name: 'webhook-dispatcher',
    config,
    logger,
    kit: {
      prisma: PrismaService,
      // WEBHOOK_KAFKA_TOPICS (every domain topic by default) for the one batch handler.
      consumer: { groupId: config.KAFKA_GROUP_ID, topics: config.WEBHOOK_KAFKA_TOPICS },
      secrets: true,
      queues: [QueueName.WebhookDeliveries],
    },
    modules: [EndpointsModule, DeliveryModule],
    http: { openapi: webhooksOpenApi },
  });
}
