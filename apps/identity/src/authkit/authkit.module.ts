import { Module } from '@nestjs/common';
import { AuthenticateModule } from '../authenticate/authenticate.module';
import { UsersModule } from '../users/users.module';
import { AuthkitController } from './authkit.controller';
import { AuthkitService } from './authkit.service';
import { AuthorizationCodesStore } from './authorization-codes.store';

/** Hosted sign-in (`/user_management/authorize`) and the `authorization_code` grant. */
@Module({
  imports: [AuthenticateModule, UsersModule],
  controllers: [AuthkitController],
  providers: [AuthkitService, AuthorizationCodesStore],
})
export class AuthkitModule {}
