import { Module, type DynamicModule } from '@nestjs/common';
import { Topic } from '@wos/contracts';
import { ServiceInfraModule, type Logger } from '@wos/platform';
import type { AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { KeysModule } from './keys/keys.module';
import { ObjectsModule } from './objects/objects.module';

/** Infrastructure comes from the service kit; this module lists only the service's domain modules. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfraModule.forService({
          name: 'vault',
          config,
          logger,
          prisma: PrismaService,
          outbox: { topics: [Topic.vault] },
        }),
        KeysModule,
        ObjectsModule,
      ],
    };
  }
}
