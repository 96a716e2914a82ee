import { Global, Module, type DynamicModule } from '@nestjs/common';
import { HealthRegistry, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { PrismaService } from './prisma.service';
import { OutboxRelayService } from './outbox-relay.service';
import { RedisService } from './redis.service';
import { SecretsService } from './secrets.service';

/** Process-wide plumbing: configuration, logger, database, Redis, secrets and the outbox relay. */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: InfraModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        HealthRegistry,
        PrismaService,
        RedisService,
        SecretsService,
        OutboxRelayService,
      ],
      exports: [APP_CONFIG, LOGGER, HealthRegistry, PrismaService, RedisService, SecretsService],
    };
  }
}
