import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { AuthenticateGrants } from './authenticate.grants';
import { PendingAuthRepository } from './pending-auth.repository';
import { PendingAuthService } from './pending-auth.service';

/** POST /user_management/authenticate; other modules register grants on AuthenticateGrants. */
@Module({
  imports: [UsersModule],
  providers: [AuthenticateGrants, PendingAuthRepository, PendingAuthService],
  exports: [AuthenticateGrants, PendingAuthService],
})
export class AuthenticateModule {}
