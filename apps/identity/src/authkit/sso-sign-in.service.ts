import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainError, NotFoundError } from '@wos/platform';
import type { User } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';
import { AuthenticateGrants, type GrantContext, type GrantResult } from '../authenticate/authenticate.grants';
import type { SsoSignIn } from '../authenticate/sso-sign-in';
import { EMAIL_VERIFICATION_GRANT } from '../email-verification/email-verification.service';
import { IdentitiesService } from '../identities/identities.service';
import { isOAuthProvider } from '../identities/identities.dto';
import { InvitationsService } from '../invitations/invitations.service';
import { MembershipsService } from '../memberships/memberships.service';
import { OrganizationsClient } from '../memberships/organizations.client';
import { UsersService } from '../users/users.service';
import { SignUpPolicyService } from './sign-up-policy.service';
import { AuthkitSettingsService } from './branding/authkit-settings.service';
import type { SsoProfile } from './sso.client';

/**
 * Who an SSO or OAuth profile signs in, and what that sign-in may grant (security review C1, C2).
 *
 * Linking: an identity is `(connection, idp_id)`. A linked identity signs in its user whatever
 * email it asserts. A new one links to the user with its email only when the email is vouched
 * for: (a) its domain is a VERIFIED domain of the connection's own organization, or (b) an OAuth
 * provider says `email_verified: true` and the environment's AuthKit setting
 * `link_oauth_verified_email` is on (the default; read fresh, see AuthkitSettingsService).
 * Otherwise the sign-in is `linkPending`: the email-verification gate mails a code to the
 * address, and the identity is linked only when the code is entered (`linkAfterEmailProof`).
 * New users are created `email_verified` only under (a) or (b).
 *
 * Memberships: only the connection's own organization grants one (source `sso`). An
 * environment-wide OAuth provider grants one only through a pending invitation to the user's
 * (verified) email, or domain capture: an organization that opted in and VERIFIED the email's
 * domain. Nothing from the authorize request grants anything.
 *
 * New users: the environment's sign-up policy (sign-up-policy.service.ts) decides whether an
 * unknown email may become a user, except through an organization's own enterprise connection.
 */
@Injectable()
export class SsoSignInService implements OnModuleInit {
  constructor(
    private readonly users: UsersService,
    private readonly identities: IdentitiesService,
    private readonly memberships: MembershipsService,
    private readonly invitations: InvitationsService,
    private readonly organizations: OrganizationsClient,
    private readonly grants: AuthenticateGrants,
    private readonly prisma: PrismaService,
    private readonly policy: SignUpPolicyService,
    private readonly settings: AuthkitSettingsService,
  ) {}

  onModuleInit(): void {
    this.grants.addGate((result, ctx) => this.linkAfterEmailProof(result, ctx));
  }

  /** The user the profile signs in, and whether its identity still waits for the email proof. */
  async resolve(environmentId: string, profile: SsoProfile): Promise<{ user: User; sso: SsoSignIn }> {
    const sso: SsoSignIn = {
      connectionId: profile.connection_id,
      connectionType: profile.connection_type,
      organizationId: profile.organization_id ?? null,
      idpId: profile.idp_id,
      linkPending: false,
    };
    const linked = await this.identities.find(environmentId, sso.connectionId, sso.idpId);
    const linkedUser = linked ? await this.users.findById(environmentId, linked.userId) : null;
    if (linkedUser) return { user: linkedUser, sso };

    const vouched = await this.emailVouchedFor(environmentId, profile);
    const user = (await this.users.findByEmail(environmentId, profile.email)) ?? (await this.createUser(environmentId, profile, vouched));
    if (!vouched) return { user, sso: { ...sso, linkPending: true } };
    return { user: await this.link(environmentId, user, sso), sso };
  }

  /**
   * Grants what a completed sign-in grants and answers the organization the session is for:
   * the connection's organization, or null (the sign-in then picks or asks, as for a password).
   */
  async grantMemberships(environmentId: string, user: User, sso: SsoSignIn): Promise<string | null> {
    if (sso.organizationId) {
      const org = await this.organizations.find(environmentId, sso.organizationId);
      if (!org) throw new NotFoundError('an organization', sso.organizationId);
      // Just-in-time membership with the environment's default role, as the catalogue names it.
      await this.memberships.grantOnSignIn(environmentId, { userId: user.id, organization: org, source: 'sso', sourceConnectionId: sso.connectionId });
      return org.id;
    }
    if (!user.emailVerified) return null;
    await this.invitations.acceptPendingFor(environmentId, user);
    await this.captureByDomain(environmentId, user);
    return null;
  }

  /**
   * A gate: when the email-verification grant has just spent the code mailed for a pending
   * link, the address is proven, so the identity is linked and the sign-in's memberships are
   * granted. It updates the result in place (the gates share it) so the session gets them.
   */
  private async linkAfterEmailProof(result: GrantResult, ctx: GrantContext & { grantType: string }): Promise<void> {
    const sso = result.sso;
    if (!sso?.linkPending || ctx.grantType !== EMAIL_VERIFICATION_GRANT) return;
    result.user = await this.link(ctx.environmentId, result.user, sso);
    result.sso = { ...sso, linkPending: false };
    const organizationId = await this.grantMemberships(ctx.environmentId, result.user, result.sso);
    result.organizationId ??= organizationId;
  }

  /**
   * (a) a verified domain of the connection's organization, or (b) an OAuth provider's verified
   * email where the environment allows linking by it.
   */
  private async emailVouchedFor(environmentId: string, profile: SsoProfile): Promise<boolean> {
    if (profile.email_verified === true && isOAuthProvider(profile.connection_type) && (await this.settings.fresh(environmentId)).linkOauthVerifiedEmail) return true;
    if (!profile.organization_id) return false;
    const org = await this.organizations.find(environmentId, profile.organization_id);
    const domain = emailDomain(profile.email);
    return Boolean(org?.domains.some((d) => d.state === 'verified' && d.domain === domain));
  }

  /** Links the identity and marks the (vouched for or proven) email verified, in one transaction. */
  private async link(environmentId: string, user: User, sso: SsoSignIn): Promise<User> {
    return this.prisma.$transaction(async (tx) => {
      const owner = await this.identities.link(tx, environmentId, user.id, sso);
      // A concurrent first sign-in linked it to another user: that user is who the identity is.
      if (owner !== user.id) return (await this.users.findById(environmentId, owner)) ?? user;
      return this.users.markEmailVerified(environmentId, user.id, tx);
    });
  }

  /**
   * A new user, where the sign-up policy allows one. The policy governs every sign-in that is not
   * an organization's own enterprise connection: environment-wide OAuth providers (and an OAuth
   * connection even when an organization holds it, as anyone with such an account can use it).
   * An organization's SAML/OIDC connection provisions that organization's people just in time:
   * its IdP, run by the customer's IT admin, decides who they are (docs/ARCHITECTURE.md).
   */
  private async createUser(environmentId: string, profile: SsoProfile, verified: boolean): Promise<User> {
    if (!profile.organization_id || isOAuthProvider(profile.connection_type)) await this.policy.assertAllows(environmentId, profile.email);
    try {
      const created = await this.users.create(environmentId, {
        email: profile.email.toLowerCase(),
        email_verified: verified,
        ...(profile.first_name ? { first_name: profile.first_name } : {}),
        ...(profile.last_name ? { last_name: profile.last_name } : {}),
      });
      return (await this.users.findById(environmentId, created.id))!;
    } catch (err) {
      // Two first sign-ins raced: the other one created the user.
      const raced = err instanceof DomainError && err.status === 409 ? await this.users.findByEmail(environmentId, profile.email) : null;
      if (raced) return raced;
      throw err;
    }
  }

  /** Domain capture: the organization holding the email's domain, verified, with the opt-in on. */
  private async captureByDomain(environmentId: string, user: User): Promise<void> {
    const domain = emailDomain(user.email);
    const org = await this.organizations.findByDomain(environmentId, domain);
    if (!org?.domainCapture || !org.domains.some((d) => d.domain === domain && d.state === 'verified')) return;
    await this.memberships.grantOnSignIn(environmentId, { userId: user.id, organization: org, source: 'domain_capture' });
  }
}

export const emailDomain = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();
