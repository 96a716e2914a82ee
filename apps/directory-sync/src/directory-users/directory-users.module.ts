import { Module } from '@nestjs/common';
import { DirectoryDataRepository } from '../shared/directory-data.repository';
import { DirectoryUsersController } from './directory-users.controller';
import { DirectoryUsersService } from './directory-users.service';

@Module({ controllers: [DirectoryUsersController], providers: [DirectoryDataRepository, DirectoryUsersService] })
export class DirectoryUsersModule {}
