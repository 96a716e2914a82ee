import { Global, Module, type DynamicModule } from '@nestjs/common';
import { HealthRegistry, SecretBox, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, SECRET_BOX, type AppConfig } from '../config';
import { PrismaService } from './prisma.service';
import { OutboxRelayService } from './outbox-relay.service';
import { RedisService } from './redis.provider';

/** Process-wide plumbing: configuration, logger, database, Redis, the secret box and the outbox relay. */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: InfraModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: SECRET_BOX, useValue: SecretBox.fromConfig(config.SECRET_ENCRYPTION_KEYS) },
        HealthRegistry,
        PrismaService,
        RedisService,
        OutboxRelayService,
      ],
      exports: [APP_CONFIG, LOGGER, SECRET_BOX, HealthRegistry, PrismaService, RedisService],
    };
  }
}
