import { Module, type DynamicModule } from '@nestjs/common';
import { Topic } from '@wos/contracts';
import { ServiceInfraModule, type Logger } from '@wos/platform';
import { consumerGroupId, type AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { DirectoriesModule } from './directories/directories.module';
import { ScimModule } from './scim/scim.module';
import { DirectoryUsersModule } from './directory-users/directory-users.module';
import { DirectoryGroupsModule } from './directory-groups/directory-groups.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfraModule.forService({
          name: 'directory-sync',
          config,
          logger,
          prisma: PrismaService,
          outbox: { topics: [Topic.directorySync] },
          consumer: { groupId: consumerGroupId(config) },
        }),
        DirectoriesModule,
        ScimModule,
        DirectoryUsersModule,
        DirectoryGroupsModule,
      ],
    };
  }
}
