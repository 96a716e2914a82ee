import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceInfraModule, type Logger } from '@wos/platform';
import type { AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { GatewayModule } from './gateway/gateway.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceInfraModule.forService({ name: 'api-gateway', config, logger, prisma: PrismaService, redis: true, secrets: true }), GatewayModule],
    };
  }
}
