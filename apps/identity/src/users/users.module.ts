import { Module } from '@nestjs/common';
import { PasswordsService } from '../passwords/passwords.service';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Exports UsersService (find by id/email, create, mark email verified, set password) and PasswordsService. */
@Module({
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, PasswordsService],
  exports: [UsersService, PasswordsService],
})
export class UsersModule {}
