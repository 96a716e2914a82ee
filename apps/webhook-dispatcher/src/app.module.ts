import { Module, type DynamicModule } from '@nestjs/common';
import { QueueName, ServiceInfraModule, type Logger } from '@wos/platform';
import type { AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { EndpointsModule } from './endpoints/endpoints.module';
import { DeliveryModule } from './delivery/delivery.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfraModule.forService({
          name: 'webhook-dispatcher',
          config,
          logger,
          prisma: PrismaService,
          // WEBHOOK_KAFKA_TOPICS (every domain topic by default) for the one batch handler.
          consumer: { groupId: config.KAFKA_GROUP_ID, topics: config.WEBHOOK_KAFKA_TOPICS },
          secrets: true,
          queues: [QueueName.WebhookDeliveries],
        }),
        EndpointsModule,
        DeliveryModule,
      ],
    };
  }
}
