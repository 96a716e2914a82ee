import { Module } from '@nestjs/common';
import { InvitationsModule } from '../invitations/invitations.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { MfaModule } from '../mfa/mfa.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AuthenticateController } from './authenticate.controller';
import { AuthenticateGrants } from './authenticate.grants';
import { AuthenticateService } from './authenticate.service';
import { AuthenticateThrottle } from './authenticate.throttle';
import { PendingAuthRepository } from './pending-auth.repository';
import { PendingAuthService } from './pending-auth.service';
import { SignInSubjectRepository } from './sign-in-subject.repository';

/** POST /user_management/authenticate; other modules register grants on AuthenticateGrants. */
@Module({
  imports: [UsersModule, MembershipsModule, MfaModule, SessionsModule, InvitationsModule],
  controllers: [AuthenticateController],
  providers: [AuthenticateGrants, AuthenticateService, AuthenticateThrottle, PendingAuthRepository, PendingAuthService, SignInSubjectRepository],
  exports: [AuthenticateGrants, AuthenticateService, AuthenticateThrottle, PendingAuthService],
})
export class AuthenticateModule {}
