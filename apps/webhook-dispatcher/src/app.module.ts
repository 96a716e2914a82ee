import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@wos/platform';
import type { AppConfig } from './config';
import { InfraModule } from './infra/infra.module';
import { EndpointsModule } from './endpoints/endpoints.module';
import { DeliveryModule } from './delivery/delivery.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return { module: AppModule, imports: [InfraModule.forRoot(config, logger), EndpointsModule, DeliveryModule] };
  }
}
