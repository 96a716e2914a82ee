import { Module } from '@nestjs/common';
import { DirectoriesModule } from '../directories/directories.module';
import { DirectoryDataRepository } from '../shared/directory-data.repository';
import { DirectoryRolesService } from '../shared/directory-roles.service';
import { ScimAuthService } from './scim-auth.service';
import { ScimRequestLogInterceptor } from './scim-request-log.interceptor';
import { ScimRequestLogRepository } from './scim-request-log.repository';
import { ScimUsersService } from './scim-users.service';
import { ScimGroupsService } from './scim-groups.service';
import { ScimUsersController } from './scim-users.controller';
import { ScimGroupsController } from './scim-groups.controller';
import { ScimDiscoveryController } from './scim-discovery.controller';
import { ScimRequestsController } from './scim-requests.controller';

@Module({
  imports: [DirectoriesModule],
  // The discovery controller (with its catch-all) is registered last so specific routes win.
  controllers: [ScimRequestsController, ScimUsersController, ScimGroupsController, ScimDiscoveryController],
  providers: [DirectoryDataRepository, DirectoryRolesService, ScimAuthService, ScimUsersService, ScimGroupsService, ScimRequestLogRepository, ScimRequestLogInterceptor],
})
export class ScimModule {}
