import { Module } from '@nestjs/common';
import { DirectoriesModule } from '../directories/directories.module';
import { DirectoryGroupsModule } from '../directory-groups/directory-groups.module';
import { ScimRequestLogRepository } from '../scim/scim-request-log.repository';
import { PortalViewController } from './portal-view.controller';
import { PortalViewService } from './portal-view.service';

@Module({
  imports: [DirectoriesModule, DirectoryGroupsModule],
  controllers: [PortalViewController],
  providers: [PortalViewService, ScimRequestLogRepository],
})
export class PortalViewModule {}
