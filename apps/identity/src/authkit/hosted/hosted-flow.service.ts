import { Injectable } from '@nestjs/common';
import { DomainError, RateLimitedError } from '@wos/platform';
import { AuthFlowError } from '../../authenticate/authenticate.errors';
import { AuthenticateService, GRANT, type ResolvedSignIn } from '../../authenticate/authenticate.service';
import { EMAIL_VERIFICATION_GRANT, EmailVerificationService } from '../../email-verification/email-verification.service';
import { MfaService } from '../../mfa/mfa.service';
import { RADAR_EMAIL_GRANT } from '../../radar/radar-challenge.service';
import { UsersService } from '../../users/users.service';
import { authenticationEvent } from '../../sessions/sessions.events';
import { AuthorizationCodesStore } from '../authorization-codes.store';
import { AuthkitSettingsService } from '../branding/authkit-settings.service';
import type { MessageKey } from '../i18n/messages';
import { pageUrl } from '../pages/layout';
import { renderCode } from '../pages/code.page';
import { renderMfaEnroll } from '../pages/mfa-enroll.page';
import { renderOrganization } from '../pages/organization.page';
import { HostedPageError, type FlowSession, type Outcome } from './hosted-pages.service';
import type { PendingStep } from './hosted-flow.store';
import { drawTotpQr, svgDataUrl } from './totp-qr';

/**
 * Drives a hosted sign-in through the same pipeline as POST /user_management/authenticate: each
 * page posts the grant the API client would (password, magic code, email verification, TOTP,
 * organization selection) with the pending token the flow keeps, and an auth-flow 403 becomes the
 * next page. Invariant: a code is issued only from a ResolvedSignIn, i.e. after every gate (email
 * verification, MFA, organization) passed, and the flow ends with it.
 */
@Injectable()
export class HostedFlowService {
  constructor(
    private readonly authenticate: AuthenticateService,
    private readonly codes: AuthorizationCodesStore,
    private readonly mfa: MfaService,
    private readonly emailVerification: EmailVerificationService,
    private readonly users: UsersService,
    private readonly settings: AuthkitSettingsService,
  ) {}

  /** Runs a grant for the flow; its next page, or the app with a code. */
  async grant(s: FlowSession, body: Record<string, unknown> & { grant_type: string }, retry: Retry): Promise<Outcome> {
    const ctx = { ip_address: s.ip ?? undefined, user_agent: s.userAgent ?? undefined, device_id: s.deviceId };
    return this.advance(s, () => this.authenticate.resolveGrant(s.flow.environmentId, { ...body, ...ctx }, s.flow.clientId), retry);
  }

  /** Runs a pipeline step: success issues the code, a 403 step shows its page, a 4xx re-shows the form. */
  async advance(s: FlowSession, step: () => Promise<ResolvedSignIn>, retry: Retry): Promise<Outcome> {
    try {
      return await this.finish(s, await step());
    } catch (err) {
      if (err instanceof AuthFlowError) return this.next(s, err);
      if (err instanceof RateLimitedError) return retry('error.rate_limited');
      if (err instanceof DomainError && err.code === 'radar_email_challenge') return this.radarChallenge(s, err);
      if (err instanceof DomainError && err.code === 'sso_required') return this.ssoRequired(s, err);
      if (err instanceof DomainError && err.status < 500) return retry(refusalKey(err));
      throw err;
    }
  }

  /** Every gate passed: one code for the app's redirect URI, and the flow is over. */
  async finish(s: FlowSession, r: ResolvedSignIn): Promise<Outcome> {
    const request = s.flow.request;
    if (!request || request.expiresAt < Date.now()) throw new HostedPageError(400, 'error.expired.body');
    const code = await this.codes.issue({
      environmentId: s.flow.environmentId,
      clientId: request.clientId,
      userId: r.user.id,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      organizationId: r.organizationId,
      method: r.method,
      sso: r.sso ?? null,
      gatesPassed: true,
      deviceId: s.deviceId,
      radarAttemptId: r.radarAttemptId ?? null,
    });
    const target = new URL(request.redirectUri);
    target.searchParams.set('code', code);
    if (request.state !== null) target.searchParams.set('state', request.state);
    s.ended = true;
    return { redirect: target.toString(), status: 302 };
  }

  /** Keeps the pipeline's pending token in the flow and sends the browser to the step's page. */
  private async next(s: FlowSession, err: AuthFlowError): Promise<Outcome> {
    const extra = err.extra as { pending_authentication_token: string; user: { id: string; email: string }; organizations?: Array<{ id: string; name: string }>; authentication_factors?: Array<{ id: string }> };
    const base = { token: extra.pending_authentication_token, userId: extra.user.id, email: extra.user.email };
    const env = s.flow.environmentId;
    switch (err.code) {
      case 'email_verification_required':
        s.flow.pending = { kind: 'email_verification', ...base };
        return { redirect: pageUrl(s.flow, 'verify-email') };
      case 'mfa_challenge': {
        // Challenge the factor last used to sign in: an enrolment abandoned before its first code
        // leaves a factor the user's app may not have, and it must not shadow a working one.
        const factors = await this.mfa.totpFactorsOfUser(env, base.userId);
        const confirmed = factors.filter((f) => f.lastUsedStep !== null).sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
        const factorId = confirmed[0]?.id ?? extra.authentication_factors![0]!.id;
        const challenge = await this.mfa.challenge(env, factorId);
        s.flow.pending = { kind: 'mfa_challenge', ...base, factorId, challengeId: challenge.id };
        return { redirect: pageUrl(s.flow, 'mfa') };
      }
      case 'mfa_enrollment': {
        const settings = await this.settings.forEnvironment(env);
        const { factor, challenge } = await this.mfa.enroll(env, { type: 'totp', userId: base.userId, issuer: settings.brandName ?? 'AuthKit', user: base.email, withChallenge: true });
        const totp = (factor as { totp?: { uri: string; secret: string } }).totp!;
        const totpQrSvg = await drawTotpQr(totp.uri);
        s.flow.pending = { kind: 'mfa_enrollment', ...base, factorId: factor.id, challengeId: challenge!.id, totpUri: totp.uri, totpSecret: totp.secret, totpQrSvg };
        return { redirect: pageUrl(s.flow, 'mfa/enroll') };
      }
      case 'organization_selection_required':
        s.flow.pending = { kind: 'organization_selection', ...base, organizations: extra.organizations ?? [] };
        return { redirect: pageUrl(s.flow, 'organization') };
      default:
        throw err;
    }
  }

  /**
   * Radar asked for the emailed code (403 radar_email_challenge): the flow keeps the challenge's
   * pending token and shows the code page; the code's grant continues the same sign-in.
   */
  private radarChallenge(s: FlowSession, err: DomainError): Outcome {
    const extra = err.extra as { pending_authentication_token: string; radar_challenge_id: string; email: string; user: { id: string } };
    s.flow.pending = { kind: 'radar_challenge', token: extra.pending_authentication_token, userId: extra.user.id, email: extra.email, challengeId: extra.radar_challenge_id };
    return { redirect: pageUrl(s.flow, 'radar') };
  }

  /**
   * The user's organization is entered through its SSO connection (403 sso_required): the flow
   * keeps the address and the connection the refusal named, and the page offers to continue there.
   */
  private ssoRequired(s: FlowSession, err: DomainError): Outcome {
    const extra = err.extra as { email?: string; connection_ids?: string[] };
    s.flow.pending = null;
    s.flow.ssoRequired = { email: extra.email ?? s.flow.email ?? '', connectionId: extra.connection_ids?.[0] ?? null };
    return { redirect: pageUrl(s.flow, 'sso-required') };
  }

  showRadar(s: FlowSession, error: MessageKey | null = null): Outcome {
    const p = this.pending(s, ['radar_challenge']);
    return { page: (ctx) => renderCode(ctx, { step: 'radar', email: p.email, error }) };
  }

  async verifyRadar(s: FlowSession, code: string): Promise<Outcome> {
    const p = this.pending(s, ['radar_challenge']);
    const retry = (e: MessageKey) => this.showRadar(s, e === 'error.rate_limited' ? e : 'verify.error.code');
    return this.grant(s, { grant_type: RADAR_EMAIL_GRANT, code, radar_challenge_id: p.challengeId!, pending_authentication_token: p.token }, retry);
  }

  /** The flow's pending step of this kind, or the expired page (a reload after the step, a stale tab). */
  pending(s: FlowSession, kinds: PendingStep['kind'][]): PendingStep {
    const p = s.flow.pending;
    if (!p || !kinds.includes(p.kind)) throw new HostedPageError(400, 'error.expired.body');
    return p;
  }

  // ---- the step pages -------------------------------------------------------------------------

  showVerifyEmail(s: FlowSession, error: MessageKey | null = null): Outcome {
    const email = s.flow.pending?.kind === 'email_verification' ? s.flow.pending.email : s.flow.email;
    if (!email || (!s.flow.signUpUserId && s.flow.pending?.kind !== 'email_verification')) throw new HostedPageError(400, 'error.expired.body');
    return { page: (ctx) => renderCode(ctx, { step: 'verify-email', email, error }), status: 200 };
  }

  /** A sign-up's code proves the address and signs in; a gate's code completes the pipeline's step. */
  async verifyEmail(s: FlowSession, code: string): Promise<Outcome> {
    const retry = (e: MessageKey) => this.showVerifyEmail(s, e === 'error.rate_limited' ? e : 'verify.error.code');
    if (s.flow.signUpUserId) {
      const env = s.flow.environmentId;
      const userId = s.flow.signUpUserId;
      return this.advance(
        s,
        async () => {
          await this.emailVerification.verify(env, userId, code);
          const user = await this.users.mustFind(env, userId);
          const event = authenticationEvent('email_verification', { status: 'succeeded', email: user.email, ip_address: s.ip, user_agent: s.userAgent, user_id: user.id }, env);
          return this.authenticate.resolveAndRecord({ user, method: s.flow.signUpMethod ?? 'Password' }, { environmentId: env, authKind: 'api_key', clientId: s.flow.clientId, ipAddress: s.ip, userAgent: s.userAgent, deviceId: s.deviceId, grantType: 'hosted_sign_up' }, event ? [event] : []);
        },
        retry,
      );
    }
    const p = this.pending(s, ['email_verification']);
    return this.grant(s, { grant_type: EMAIL_VERIFICATION_GRANT, code, pending_authentication_token: p.token }, retry);
  }

  async resendVerification(s: FlowSession): Promise<Outcome> {
    const userId = s.flow.signUpUserId ?? this.pending(s, ['email_verification']).userId;
    try {
      await this.emailVerification.send(s.flow.environmentId, userId);
    } catch (err) {
      if (err instanceof RateLimitedError) return this.showVerifyEmail(s, 'error.rate_limited');
      throw err;
    }
    return { redirect: pageUrl(s.flow, 'verify-email') };
  }

  showMfa(s: FlowSession, error: MessageKey | null = null): Outcome {
    this.pending(s, ['mfa_challenge']);
    return { page: (ctx) => renderCode(ctx, { step: 'mfa', error }) };
  }

  async verifyMfa(s: FlowSession, code: string, enrolling: boolean): Promise<Outcome> {
    const p = this.pending(s, [enrolling ? 'mfa_enrollment' : 'mfa_challenge']);
    // Every refusal reads "wrong code" (a used challenge, a wrong code alike), except the attempt cap.
    const retry = (e: MessageKey) => {
      const error = e === 'error.rate_limited' ? e : 'mfa.error.code';
      return enrolling ? this.showEnroll(s, error) : this.showMfa(s, error);
    };
    return this.grant(s, { grant_type: GRANT.totp, code, authentication_challenge_id: p.challengeId!, pending_authentication_token: p.token }, retry);
  }

  async showEnroll(s: FlowSession, error: MessageKey | null = null): Promise<Outcome> {
    const p = this.pending(s, ['mfa_enrollment']);
    // Drawn when the enrolment started; a flow saved before the picture was kept draws it per render.
    const qrDataUrl = svgDataUrl(p.totpQrSvg ?? (await drawTotpQr(p.totpUri!)));
    return { page: (ctx) => renderMfaEnroll(ctx, { qrDataUrl, secret: p.totpSecret!, error }) };
  }

  showOrganization(s: FlowSession, error: MessageKey | null = null): Outcome {
    const p = this.pending(s, ['organization_selection']);
    return { page: (ctx) => renderOrganization(ctx, { organizations: p.organizations ?? [], error }) };
  }

  async selectOrganization(s: FlowSession, organizationId: string): Promise<Outcome> {
    const p = this.pending(s, ['organization_selection']);
    // Only an organization the pipeline offered; the grant checks the membership again.
    if (!p.organizations?.some((o) => o.id === organizationId)) return this.showOrganization(s, 'error.generic');
    return this.grant(s, { grant_type: GRANT.organizationSelection, organization_id: organizationId, pending_authentication_token: p.token }, (e) => this.showOrganization(s, e));
  }
}

type Retry = (error: MessageKey) => Outcome | Promise<Outcome>;

/** The message a refused step shows (the API's code picks it; anything else is generic). */
function refusalKey(err: DomainError): MessageKey {
  switch (err.code) {
    case 'invalid_credentials':
      return 'sign_in.error.credentials';
    case 'radar_blocked':
      return 'sign_in.error.blocked';
    case 'invalid_one_time_code':
    case 'email_verification_code_invalid':
    case 'email_verification_code_expired':
      return 'verify.error.code';
    case 'invite_email_mismatch':
      return 'sign_up.invite_mismatch';
    default:
      return err.code.startsWith('invite_') ? 'invite.error' : 'error.generic';
  }
}
