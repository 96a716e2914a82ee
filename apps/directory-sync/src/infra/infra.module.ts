import { Global, Module, type DynamicModule } from '@nestjs/common';
import { HealthRegistry, internalAuthKeyFor, OrganizationsClient, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { PrismaService } from './prisma.service';
import { OutboxRelayService } from './outbox-relay.service';

/** Process-wide plumbing: configuration, logger, database, the outbox relay and the organizations client. */
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
        OutboxRelayService,
        {
          provide: OrganizationsClient,
          useFactory: (c: AppConfig) => new OrganizationsClient(c.ORGANIZATIONS_URL, internalAuthKeyFor(c, 'organizations')),
          inject: [APP_CONFIG],
        },
      ],
      exports: [APP_CONFIG, LOGGER, HealthRegistry, PrismaService, OrganizationsClient],
    };
  }
}
