import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@wos/platform';
import type { AppConfig } from './config';
import { InfraModule } from './infra/infra.module';
import { DirectoriesModule } from './directories/directories.module';
import { ScimModule } from './scim/scim.module';
import { DirectoryUsersModule } from './directory-users/directory-users.module';
import { DirectoryGroupsModule } from './directory-groups/directory-groups.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [InfraModule.forRoot(config, logger), DirectoriesModule, ScimModule, DirectoryUsersModule, DirectoryGroupsModule],
    };
  }
}
