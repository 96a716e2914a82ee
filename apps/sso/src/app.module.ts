import { Module, type DynamicModule } from '@nestjs/common';
import { Topic } from '@wos/contracts';
import { ServiceInfraModule, type Logger } from '@wos/platform';
import { consumerGroupId, type AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { ConnectionsModule } from './connections/connections.module';
import { SignInModule } from './signin/signin.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfraModule.forService({
          name: 'sso',
          config,
          logger,
          prisma: PrismaService,
          outbox: { topics: [Topic.sso] },
          consumer: { groupId: consumerGroupId(config) },
          redis: true,
          secrets: true,
        }),
        ConnectionsModule,
        SignInModule,
      ],
    };
  }
}
