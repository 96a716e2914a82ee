import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ConflictError, DomainError, RateLimitedError } from '@wos/platform';
import { AuthenticateService } from '../../authenticate/authenticate.service';
import { EmailVerificationService } from '../../email-verification/email-verification.service';
import { InvitationsService } from '../../invitations/invitations.service';
import { OrganizationsClient } from '../../memberships/organizations.client';
import { UsersService } from '../../users/users.service';
import type { Invitation } from '../../generated/prisma/client';
import { authenticationEvent } from '../../sessions/sessions.events';
import { AuthkitSettingsService } from '../branding/authkit-settings.service';
import { pageUrl } from '../pages/layout';
import { renderNotice } from '../pages/notice.page';
import { renderSignUp, renderWaitlist, type SignUpPage } from '../pages/sign-up.page';
import { passwordProblem } from '../passwords/password-policy';
import { SignUpPolicyService } from '../sign-up-policy.service';
import { HostedFlowService } from './hosted-flow.service';
import { HostedPageError, type FlowSession, type Outcome } from './hosted-pages.service';
import type { InvitationView } from './hosted-flow.store';
import { WAITLIST, type WaitlistPort } from './waitlist.port';

const signUpForm = z.object({
  email: z.string().trim().toLowerCase().max(320).email().optional(),
  password: z.string().max(1024),
  first_name: z.string().trim().max(100).optional(),
  last_name: z.string().trim().max(100).optional(),
});
const waitlistForm = z.object({ email: z.string().trim().toLowerCase().max(320).email() });

/**
 * Hosted sign-up under the environment's policy: `open` (anyone; the address is proven by an
 * emailed code before any code is issued), `invitation_only` (only with a pending invitation,
 * whose token proves the address), `waitlist` (the address joins the waitlist; no account).
 * Invariants: the server's password policy (length, breached list, strength) is the one that
 * counts; an invited sign-up uses the invitation's address whatever the form says.
 */
@Injectable()
export class HostedSignUpService {
  constructor(
    private readonly flow: HostedFlowService,
    private readonly settings: AuthkitSettingsService,
    private readonly users: UsersService,
    private readonly invitations: InvitationsService,
    private readonly organizations: OrganizationsClient,
    private readonly emailVerification: EmailVerificationService,
    private readonly authenticate: AuthenticateService,
    private readonly policy: SignUpPolicyService,
    @Inject(WAITLIST) private readonly waitlist: WaitlistPort,
  ) {}

  async show(s: FlowSession, p: Omit<SignUpPage, 'invitation'> = {}, status = 200): Promise<Outcome> {
    const env = s.flow.environmentId;
    if (s.flow.invitationToken) {
      // Read when the flow was opened (display only); a flow without it reads it now.
      const invitation = s.flow.invitation ?? (await this.invitationView(env, s.flow.invitationToken));
      return { page: (ctx) => renderSignUp(ctx, { ...p, invitation: { email: invitation.email, organizationName: invitation.organizationName ?? ctx.brand.name } }), status };
    }
    const { signUpPolicy } = await this.settings.forEnvironment(env);
    if (signUpPolicy === 'waitlist') return { page: (ctx) => renderWaitlist(ctx, { email: p.email, error: p.error }), status };
    if (signUpPolicy === 'invitation_only') {
      return { page: (ctx) => renderNotice(ctx, { title: 'sign_up.closed.title', body: 'sign_up.closed.body', link: [pageUrl(ctx, 'sign-in'), 'common.back_to_sign_in'] }), status: 403 };
    }
    return { page: (ctx) => renderSignUp(ctx, p), status };
  }

  async submit(s: FlowSession, body: Record<string, unknown>): Promise<Outcome> {
    const env = s.flow.environmentId;
    // Acting on the invitation: read again, it must still be pending (not revoked, expired or accepted).
    const invited = s.flow.invitationToken ? await this.pendingInvitation(env, s.flow.invitationToken) : null;
    const { signUpPolicy } = await this.settings.forEnvironment(env);
    if (!invited && signUpPolicy === 'waitlist') return this.joinWaitlist(s, body);
    if (!invited && signUpPolicy === 'invitation_only') return this.show(s);

    const form = signUpForm.safeParse(body);
    const echo = { email: typeof body.email === 'string' ? body.email.slice(0, 320) : undefined, firstName: form.data?.first_name, lastName: form.data?.last_name };
    const address = invited?.email ?? form.data?.email;
    if (!form.success || !address) return this.show(s, { ...echo, error: 'error.generic' });
    const problem = passwordProblem(form.data.password);
    if (problem) return this.show(s, { ...echo, error: problem });

    // The policy once more where the user is made: it may have changed since the page was shown.
    if (!(await this.policy.allows(env, address))) return this.show(s, { ...echo, error: 'error.generic' }, 403);

    let userId: string;
    try {
      // Radar assesses the sign-up; a challenge is met by the email code every hosted sign-up sends
      // (or by the invitation, which came by email to this address).
      const created = await this.users.signUp(env, {
        email: address,
        ...(s.ip ? { ip_address: s.ip } : {}),
        ...(s.userAgent ? { user_agent: s.userAgent } : {}),
        password: form.data.password,
        ...(form.data.first_name ? { first_name: form.data.first_name } : {}),
        ...(form.data.last_name ? { last_name: form.data.last_name } : {}),
        // The invitation's token came by email to this very address.
        email_verified: Boolean(invited),
      }, 'hosted');
      userId = created.id;
    } catch (err) {
      if (err instanceof ConflictError || (err instanceof DomainError && err.status === 409)) return this.show(s, { ...echo, error: 'sign_up.error.exists' });
      throw err;
    }
    s.flow.email = address;
    if (invited) {
      const user = await this.users.mustFind(env, userId);
      const accepted = await this.invitations.acceptByToken(env, s.flow.invitationToken!, user);
      const event = authenticationEvent('password', { status: 'succeeded', email: user.email, ip_address: s.ip, user_agent: s.userAgent, user_id: user.id }, env);
      const ctx = { environmentId: env, authKind: 'api_key' as const, clientId: s.flow.clientId, ipAddress: s.ip, userAgent: s.userAgent, deviceId: s.deviceId, grantType: 'hosted_sign_up' };
      return this.flow.advance(s, () => this.authenticate.resolveAndRecord({ user, method: 'Password', organizationId: accepted.organization_id }, ctx, event ? [event] : []), (error) => this.show(s, { ...echo, error }));
    }
    try {
      await this.emailVerification.send(env, userId);
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
    }
    s.flow.signUpUserId = userId;
    s.flow.signUpMethod = 'Password';
    return { redirect: pageUrl(s.flow, 'verify-email') };
  }

  private async joinWaitlist(s: FlowSession, body: Record<string, unknown>): Promise<Outcome> {
    const form = waitlistForm.safeParse(body);
    if (!form.success) return this.show(s, { error: 'error.generic' });
    if ((await this.waitlist.join(s.flow.environmentId, form.data.email)) === 'user_exists') return this.show(s, { email: form.data.email, error: 'sign_up.error.exists' }, 422);
    return { page: (ctx) => renderNotice(ctx, { title: 'waitlist.joined.title', body: 'waitlist.joined.body', vars: { email: form.data.email } }) };
  }

  /**
   * What the sign-up page shows about an invitation, for a flow being opened with its token: null
   * when it cannot be read (invalid, or a dependency down), and the page then reads it again and
   * shows the matching error.
   */
  async openInvitation(environmentId: string, token: string): Promise<InvitationView | null> {
    return this.invitationView(environmentId, token).catch(() => null);
  }

  /** The invitation, still pending, with its organization's name; else the invitation error page. */
  private async invitationView(environmentId: string, token: string): Promise<InvitationView> {
    const inv = await this.pendingInvitation(environmentId, token);
    const org = inv.organizationId ? await this.organizations.find(environmentId, inv.organizationId) : null;
    return { email: inv.email, organizationName: org?.name ?? null };
  }

  /** The pending invitation of the token; else the invitation error page. */
  private pendingInvitation(environmentId: string, token: string): Promise<Invitation> {
    return this.invitations.findPendingByToken(environmentId, token).catch((err) => {
      if (err instanceof DomainError && err.status < 500) throw new HostedPageError(400, 'invite.error');
      throw err;
    });
  }
}
