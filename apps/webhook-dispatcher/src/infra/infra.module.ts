import { Global, Module, type DynamicModule } from '@nestjs/common';
import { HealthRegistry, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { PrismaService } from './prisma.service';

/** Process-wide plumbing: configuration, logger, readiness checks and the database. */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: InfraModule,
      providers: [{ provide: APP_CONFIG, useValue: config }, { provide: LOGGER, useValue: logger }, HealthRegistry, PrismaService],
      exports: [APP_CONFIG, LOGGER, HealthRegistry, PrismaService],
    };
  }
}
