import { Module, type OnModuleInit } from '@nestjs/common';
import { AuthenticateGrants } from '../authenticate/authenticate.grants';
import { AuthenticateModule } from '../authenticate/authenticate.module';
import { EmailVerificationModule } from '../email-verification/email-verification.module';
import { IdentitiesModule } from '../identities/identities.module';
import { InvitationsModule } from '../invitations/invitations.module';
import { MagicAuthModule } from '../magic-auth/magic-auth.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { MfaModule } from '../mfa/mfa.module';
import { PasswordResetModule } from '../password-reset/password-reset.module';
import { UsersModule } from '../users/users.module';
import { AuthkitService } from './authkit.service';
import { AuthorizationCodesStore } from './authorization-codes.store';
import { AuthkitSettingsModule } from './branding/authkit-settings.module';
import { AuthkitSettingsService } from './branding/authkit-settings.service';
import { HostedAccountController } from './hosted/hosted-account.controller';
import { HostedFlowService } from './hosted/hosted-flow.service';
import { HostedFlowStore } from './hosted/hosted-flow.store';
import { HostedPagesService } from './hosted/hosted-pages.service';
import { HostedSignInDetour } from './hosted/hosted-sign-in-detour';
import { HostedRecoveryService } from './hosted/hosted-recovery.service';
import { HostedSignInController } from './hosted/hosted-sign-in.controller';
import { HostedSignInService } from './hosted/hosted-sign-in.service';
import { HostedSignUpService } from './hosted/hosted-sign-up.service';
import { HostedStepsController } from './hosted/hosted-steps.controller';
import { WAITLIST, waitlistPort } from './hosted/waitlist.port';
import { WaitlistsModule } from '../waitlists/waitlists.module';
import { WaitlistsService } from '../waitlists/waitlists.service';
import { breachedPasswordCount } from './passwords/breached-passwords';
import { SsoCallbackController } from './sso-callback.controller';
import { SsoHandoffService } from './sso-handoff.service';
import { SignUpPolicyService } from './sign-up-policy.service';
import { SsoSignInService } from './sso-sign-in.service';
import { SsoClient } from './sso.client';

/**
 * The hosted AuthKit pages (`/user_management/authorize/…`), their settings, the SSO handoff and
 * the `authorization_code` grant.
 */
@Module({
  imports: [AuthkitSettingsModule, AuthenticateModule, UsersModule, MembershipsModule, InvitationsModule, IdentitiesModule, MfaModule, EmailVerificationModule, MagicAuthModule, PasswordResetModule, WaitlistsModule],
  controllers: [HostedSignInController, HostedAccountController, HostedStepsController, SsoCallbackController],
  providers: [
    AuthkitService,
    AuthorizationCodesStore,
    SsoHandoffService,
    SsoSignInService,
    SignUpPolicyService,
    SsoClient,
    HostedFlowStore,
    HostedPagesService,
    HostedFlowService,
    HostedSignInService,
    HostedSignUpService,
    HostedRecoveryService,
    HostedSignInDetour,
    // The sign-up page's waitlist policy joins the environment's waitlist (waitlists/).
    { provide: WAITLIST, useFactory: waitlistPort, inject: [WaitlistsService] },
  ],
  // The Connect authorization server redeems AuthKit codes issued to its own callbacks; the device
  // verification and agent claim pages are hosted pages that send their visitor to sign in first.
  exports: [AuthorizationCodesStore, HostedPagesService, HostedSignInDetour],
})
export class AuthkitModule implements OnModuleInit {
  constructor(
    private readonly grants: AuthenticateGrants,
    private readonly settings: AuthkitSettingsService,
  ) {}

  /** The environment's "require MFA" setting joins MFA_REQUIRED in the sign-in pipeline (API and pages alike). */
  onModuleInit(): void {
    // The breached-password list (50,000 entries, ~0.5 s to decode) loads at boot, not on a sign-up.
    breachedPasswordCount();
    this.grants.setMfaPolicy(async (environmentId) => (await this.settings.forEnvironment(environmentId)).requireMfa);
  }
}
