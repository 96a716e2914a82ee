import { Module } from '@nestjs/common';
import { DirectoriesController } from './directories.controller';
import { DirectoriesRepository } from './directories.repository';
import { DirectoriesService } from './directories.service';
import { OrganizationEventsConsumer } from './consumers/organizations.consumer';
import { DirectoryDataRepository } from '../shared/directory-data.repository';
import { DirectoryRolesService } from '../shared/directory-roles.service';

@Module({
  controllers: [DirectoriesController],
  providers: [DirectoriesRepository, DirectoriesService, DirectoryDataRepository, DirectoryRolesService, OrganizationEventsConsumer],
  exports: [DirectoriesService],
})
export class DirectoriesModule {}
