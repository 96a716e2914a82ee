import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@wos/platform';
import type { AppConfig } from './config';
import { InfraModule } from './infra/infra.module';
import { ConnectionsModule } from './connections/connections.module';
import { SignInModule } from './signin/signin.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return { module: AppModule, imports: [InfraModule.forRoot(config, logger), ConnectionsModule, SignInModule] };
  }
}
