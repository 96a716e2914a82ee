import { Injectable } from '@nestjs/common';
import { DomainError } from '@wos/platform';
import { InvitationsService } from '../invitations/invitations.service';
import { WaitlistsService } from '../waitlists/waitlists.service';
import { AuthkitSettingsService } from './branding/authkit-settings.service';
import type { SignUpPolicy } from './branding/authkit-settings.dto';

/** A new user refused by the environment's sign-up policy (403; the hosted pages show it as a page). */
export class SignUpRestrictedError extends DomainError {
  constructor(
    readonly policy: Exclude<SignUpPolicy, 'open'>,
    readonly email: string,
  ) {
    super(
      403,
      'sign_up_restricted',
      policy === 'waitlist'
        ? 'Sign-up is through the waitlist: this email address has no approved waitlist entry or pending invitation.'
        : 'Sign-up is by invitation only: this email address has no pending invitation.',
      { email },
    );
  }
}

/**
 * The environment's sign-up policy, for every path that creates a user outside the API: the hosted
 * sign-up form, the hosted magic code, and a first sign-in through an environment-wide OAuth
 * provider. A NEW user with this email may be created when the policy is `open`; under
 * `invitation_only` only with a pending invitation to the address; under `waitlist` with a pending
 * invitation or an approved waitlist entry. Existing users are never asked (they sign in as before),
 * and the API's own user creation is the application's decision, not this gate's.
 */
@Injectable()
export class SignUpPolicyService {
  constructor(
    private readonly settings: AuthkitSettingsService,
    private readonly invitations: InvitationsService,
    private readonly waitlists: WaitlistsService,
  ) {}

  /** Whether a new user with this email may be created (the check reads nothing about existing users). */
  async allows(environmentId: string, email: string): Promise<boolean> {
    return (await this.refusal(environmentId, email)) === null;
  }

  /** Throws SignUpRestrictedError when the policy refuses a new user with this email. */
  async assertAllows(environmentId: string, email: string): Promise<void> {
    const refused = await this.refusal(environmentId, email);
    if (refused) throw refused;
  }

  private async refusal(environmentId: string, email: string): Promise<SignUpRestrictedError | null> {
    const { signUpPolicy } = await this.settings.forEnvironment(environmentId);
    if (signUpPolicy === 'open') return null;
    const address = email.trim().toLowerCase();
    if (await this.invitations.isInvited(environmentId, address)) return null;
    if (signUpPolicy === 'waitlist' && (await this.waitlists.isApproved(environmentId, address))) return null;
    return new SignUpRestrictedError(signUpPolicy, address);
  }
}
