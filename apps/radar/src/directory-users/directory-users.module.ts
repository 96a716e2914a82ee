import { Module } from '@nestjs/common';
import { DirectorySyncEventsConsumer } from './consumers/directory-sync.consumer';
import { DirectoryUsersRepository } from './directory-users.repository';

/** Directory Sync users as radar sees them (dsync.user.* events). */
@Module({ controllers: [DirectorySyncEventsConsumer], providers: [DirectoryUsersRepository], exports: [DirectoryUsersRepository] })
export class DirectoryUsersModule {}
