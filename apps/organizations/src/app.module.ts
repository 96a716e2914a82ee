import { Module, type DynamicModule } from '@nestjs/common';
import { Topic } from '@wos/contracts';
import { ServiceInfraModule, type Logger } from '@wos/platform';
import type { AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { OrganizationsModule } from './organizations/organizations.module';
import { DomainsModule } from './domains/domains.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfraModule.forService({ name: 'organizations', config, logger, prisma: PrismaService, outbox: { topics: [Topic.organizations] } }),
        OrganizationsModule,
        DomainsModule,
      ],
    };
  }
}
