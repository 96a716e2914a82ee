import { Module, type DynamicModule } from '@nestjs/common';
import { QueueName, ServiceInfraModule, type Logger } from '@wos/platform';
import type { AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { EventsModule } from './events/events.module';
import { RetentionModule } from './retention/retention.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfraModule.forService({
          name: 'events',
          config,
          logger,
          prisma: PrismaService,
          // Every domain topic: the one handler is `@EventPattern(ALL_EVENTS, { batch: true })`.
          consumer: { groupId: config.KAFKA_GROUP_ID },
          queues: [QueueName.EventsRetention],
        }),
        EventsModule,
        RetentionModule,
      ],
    };
  }
}
