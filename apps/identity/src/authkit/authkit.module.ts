import { Module } from '@nestjs/common';
import { AuthenticateModule } from '../authenticate/authenticate.module';
import { UsersModule } from '../users/users.module';
import { AuthkitController } from './authkit.controller';
import { AuthkitService } from './authkit.service';
import { AuthorizationCodesStore } from './authorization-codes.store';
import { MembershipsModule } from '../memberships/memberships.module';
import { InvitationsModule } from '../invitations/invitations.module';
import { IdentitiesModule } from '../identities/identities.module';
import { SsoCallbackController } from './sso-callback.controller';
import { SsoHandoffService } from './sso-handoff.service';
import { SsoSignInService } from './sso-sign-in.service';
import { SsoClient } from './sso.client';

/** Hosted sign-in (`/user_management/authorize`), the SSO handoff and the `authorization_code` grant. */
@Module({
  imports: [AuthenticateModule, UsersModule, MembershipsModule, InvitationsModule, IdentitiesModule],
  controllers: [AuthkitController, SsoCallbackController],
  providers: [AuthkitService, AuthorizationCodesStore, SsoHandoffService, SsoSignInService, SsoClient],
  // The Connect authorization server redeems AuthKit codes issued to its interaction callback.
  exports: [AuthorizationCodesStore],
})
export class AuthkitModule {}
