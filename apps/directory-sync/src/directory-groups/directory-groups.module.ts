import { Module } from '@nestjs/common';
import { DirectoryDataRepository } from '../shared/directory-data.repository';
import { DirectoryGroupsController } from './directory-groups.controller';
import { DirectoryGroupsService } from './directory-groups.service';

@Module({ controllers: [DirectoryGroupsController], providers: [DirectoryDataRepository, DirectoryGroupsService], exports: [DirectoryGroupsService] })
export class DirectoryGroupsModule {}
