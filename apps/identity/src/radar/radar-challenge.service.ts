import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { z } from 'zod';
import { hasIdShape } from '@wos/contracts';
import { DomainError, sha256Hex, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import type { User } from '../generated/prisma/client';
import { AuthenticateGrants, type AuthenticationMethod, type GrantContext, type GrantResult } from '../authenticate/authenticate.grants';
import { invalidGrant } from '../authenticate/authenticate.errors';
import { PendingAuthService } from '../authenticate/pending-auth.service';
import { ssoSignInOf } from '../authenticate/sso-sign-in';
import { OneTimeSecretsService } from '../email-flows/one-time-secrets.service';
import { MailOutbox } from '../mail/mail-outbox.service';
import { UsersService } from '../users/users.service';
import { toUserWire } from '../users/users.dto';
import { minutes } from '../email-verification/email-verification.service';
import { isCodeShaped } from '../tokens/one-time-secret';
import { MembershipsService } from '../memberships/memberships.service';
import { deviceFingerprint } from './device-id';
import { RadarClient, type RadarOutcome } from './radar.client';

export const RADAR_EMAIL_GRANT = 'urn:workos:oauth:grant-type:radar-email-challenge:code';
export const RADAR_SMS_GRANT = 'urn:workos:oauth:grant-type:radar-sms-challenge:code';

const ORGANIZATION_SELECTION_GRANT = 'urn:workos:oauth:grant-type:organization-selection';

/*
 * Grants that continue a sign-in radar already assessed: they are not assessed again (the
 * organization a user selects is judged as the sign-in's continuation, organizationGate).
 */
const CONTINUATIONS = new Set([
  ORGANIZATION_SELECTION_GRANT,
  'urn:workos:oauth:grant-type:mfa-totp',
  'urn:workos:oauth:grant-type:email-verification:code',
  RADAR_EMAIL_GRANT,
  RADAR_SMS_GRANT,
]);

export const radarEmailGrantSchema = z.object({
  code: z.string().min(1).max(64),
  radar_challenge_id: z.string().min(1).max(64),
  pending_authentication_token: z.string().min(1).max(256),
});

/** radar's auth_method for identity's authentication_method. */
function radarAuthMethod(method: AuthenticationMethod): string {
  if (method === 'Password') return 'Password';
  if (method === 'MagicAuth') return 'Email_OTP';
  if (method === 'SSO') return 'SSO';
  if (method === 'Passkey') return 'Passkey';
  return method.endsWith('OAuth') ? 'Social' : 'Other';
}

/**
 * The radar sign-in gate and the radar email challenge. The gate runs after the grant proved the
 * credential (password, magic auth, OAuth, SSO) and before MFA and organization selection (a
 * password sign-in's assessment was started beside its hash, and the gate awaits it):
 * `allow` continues (and reports the success to radar in the background), `block` refuses with 403 `radar_blocked`,
 * `challenge` mails a 6-digit code and answers 403 `radar_email_challenge` with a pending token
 * and `radar_challenge_id`. Codes are one-time secrets (hashed, 10 minutes, single use, locked
 * after 5 wrong tries) like email verification's.
 *
 * The assessed attempt's ID travels with the sign-in (GrantResult.radarAttemptId, kept by every
 * pending step). When a user with several organizations picks one, radar judges that choice as
 * the same sign-in's continuation (unverified_domain, for the picked organization), with the same
 * three answers; nothing else is assessed again.
 */
@Injectable()
export class RadarChallengeService implements OnModuleInit {
  private readonly log: Logger;
  /** Assessments started by assessEarly, by the sign-in's context (dropped with it). */
  private readonly early = new WeakMap<GrantContext, { userId: string; organizationId: Promise<string | null>; outcome: Promise<RadarOutcome> }>();

  constructor(
    private readonly radar: RadarClient,
    private readonly grants: AuthenticateGrants,
    private readonly pending: PendingAuthService,
    private readonly secrets: OneTimeSecretsService,
    private readonly mail: MailOutbox,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: RadarChallengeService.name });
  }

  onModuleInit(): void {
    this.grants.addSubjectHook((user, method, ctx) => this.assessEarly(user, method, ctx));
    this.grants.addGate((result, ctx) => this.gate(result, ctx));
    this.grants.register(RADAR_EMAIL_GRANT, {
      schema: radarEmailGrantSchema,
      throttleKeyOf: (input) => `pending:${sha256Hex(input.pending_authentication_token)}`,
      handle: (input, ctx) => this.authenticate(input, ctx),
    });
    this.mail.registerResolver('radar_challenge', async (env, id) => {
      const r = await this.secrets.forMail(env, 'radar_challenge', id);
      return 'skip' in r ? r : { vars: { code: r.secret } };
    });
  }

  /**
   * A password grant found its user: the assessment starts now and runs beside the password hash
   * (the gate awaits it), instead of after it. It is made before the password is known to be
   * right, so radar is told not to count it as a failure: a wrong password reaches radar's
   * failure windows once, by its `authentication.password_failed` event.
   */
  private assessEarly(user: User, method: AuthenticationMethod, ctx: GrantContext): void {
    if (!this.radar.enabled) return;
    const organizationId = this.organizationOf({ user }, ctx.environmentId);
    const outcome = organizationId.then((org) => this.radar.assess(ctx.environmentId, this.attemptOf(user, method, ctx, ctx.deviceId, org), { failuresReported: true }));
    outcome.catch(() => undefined); // a wrong password leaves it unawaited; the gate sees the rejection
    this.early.set(ctx, { userId: user.id, organizationId, outcome });
  }

  private async gate(result: GrantResult, ctx: GrantContext & { grantType: string }): Promise<void> {
    if (!this.radar.enabled) return;
    if (ctx.grantType === ORGANIZATION_SELECTION_GRANT) return this.organizationGate(result, ctx);
    // A continuation, or a hosted sign-in's code (the pages answered its verdict): assessed once.
    if (CONTINUATIONS.has(ctx.grantType) || result.radarAttemptId) return;
    const outcome = (await this.earlyOutcome(result, ctx)) ?? (await this.assess(result, ctx));
    if (outcome.ok) result.radarAttemptId = outcome.assessment.attempt_id;
    await this.enforce(outcome, result, ctx, { reportSuccess: true });
  }

  /**
   * The organization a user picked at organization selection, judged as a continuation of the
   * sign-in's attempt. A sign-in radar did not assess (radar off or unreachable then, under a
   * fail-open policy) has nothing to continue and passes as it did.
   */
  private async organizationGate(result: GrantResult, ctx: GrantContext & { grantType: string }): Promise<void> {
    if (!result.radarAttemptId || !result.organizationId) return;
    // Not a member: the sign-in is refused after the gates as invalid_grant, and radar learns nothing.
    if (!(await this.memberships.activeFor(ctx.environmentId, result.user.id, result.organizationId))) return;
    const outcome = await this.radar.continueIntoOrganization(ctx.environmentId, result.radarAttemptId, result.organizationId);
    if (outcome.ok) result.radarAttemptId = outcome.assessment.attempt_id;
    // The sign-in's own success was reported when its attempt allowed it; a continuation adds none.
    await this.enforce(outcome, result, ctx, { reportSuccess: false });
  }

  /**
   * Applies radar's answer: unreachable follows the fail policy, `allow` continues (reporting the
   * attempt's success in the background when asked), `block` is 403 `radar_blocked`, `challenge`
   * mails a code and answers the pending step that carries the attempt.
   */
  private async enforce(outcome: RadarOutcome, result: GrantResult, ctx: GrantContext, opts: { reportSuccess: boolean }): Promise<void> {
    if (!outcome.ok) {
      this.log.warn({ environment_id: ctx.environmentId, user_id: result.user.id, policy: outcome.policy, err: outcome.error }, `radar unavailable; fail-${outcome.policy} policy applied`);
      if (outcome.policy === 'closed') throw new DomainError(503, 'radar_unavailable', 'Sign-in risk could not be assessed; try again shortly.');
      return;
    }
    const a = outcome.assessment;
    if (a.verdict === 'allow') {
      if (!opts.reportSuccess) return;
      // Off the sign-in's path, after its answer: it only feeds radar's history (reportSuccess logs its failures).
      const report = () => void this.radar.reportSuccess(ctx.environmentId, a.attempt_id, 'attempt_status');
      return void (ctx.afterAnswer ? ctx.afterAnswer.push(report) : report());
    }
    if (a.verdict === 'block') throw new DomainError(403, 'radar_blocked', 'This sign-in was blocked by Radar.', { radar_auth_attempt_id: a.attempt_id });
    const challengeId = await this.mailCode(ctx.environmentId, result.user);
    const token = await this.pending.issue({
      environmentId: ctx.environmentId,
      userId: result.user.id,
      kind: 'radar_challenge',
      method: result.method,
      organizationId: result.organizationId ?? null,
      sso: result.sso,
      ipAddress: ctx.ipAddress,
      userAgent: ctx.userAgent,
      radarAttemptId: a.attempt_id,
      // Only organization selection's continuation comes after the MFA step (its result skips MFA).
      mfaPassed: result.skipMfa === true,
    });
    throw new DomainError(403, 'radar_email_challenge', 'This sign-in must be confirmed with the code sent by email.', {
      pending_authentication_token: token,
      radar_challenge_id: challengeId,
      email: result.user.email,
      // sendRadarSmsChallenge needs the user's ID.
      user: toUserWire(result.user),
    });
  }

  /** The early assessment of this sign-in, when one was made for what the grant resolved. */
  private async earlyOutcome(result: GrantResult, ctx: GrantContext): Promise<RadarOutcome | null> {
    const early = this.early.get(ctx);
    if (!early) return null;
    this.early.delete(ctx);
    // An invitation's organization or a grant's own device (found after the hash) asks again.
    const same = early.userId === result.user.id && !result.deviceId && (!result.organizationId || result.organizationId === (await early.organizationId));
    return same ? early.outcome : null;
  }

  private async assess(result: GrantResult, ctx: GrantContext): Promise<RadarOutcome> {
    const organizationId = await this.organizationOf(result, ctx.environmentId);
    return this.radar.assess(ctx.environmentId, this.attemptOf(result.user, result.method, ctx, result.deviceId ?? ctx.deviceId, organizationId));
  }

  /** createAttempt's body for a sign-in. */
  private attemptOf(user: User, method: AuthenticationMethod, ctx: GrantContext, deviceId: string | null | undefined, organizationId: string | null): Record<string, unknown> {
    const device = deviceFingerprint({ deviceId, userAgent: ctx.userAgent, ipAddress: ctx.ipAddress });
    return {
      ...(ctx.ipAddress ? { ip_address: ctx.ipAddress } : {}),
      ...(ctx.userAgent ? { user_agent: ctx.userAgent } : {}),
      email: user.email,
      user_id: user.id,
      auth_method: radarAuthMethod(method),
      action: 'sign-in',
      ...(device ? { device_fingerprint: device } : {}),
      ...(organizationId ? { organization_id: organizationId } : {}),
      ...(ctx.radarAuthAttemptId ? { radar_auth_attempt_id: ctx.radarAuthAttemptId } : {}),
    };
  }

  /**
   * The organization the sign-in is for (radar's unverified_domain control): the grant's, else
   * the user's only active membership (the one organization selection would pick); none when the
   * user has several (the selection comes after this gate) or none.
   */
  private async organizationOf(result: Pick<GrantResult, 'user' | 'organizationId'>, environmentId: string): Promise<string | null> {
    if (result.organizationId) return result.organizationId;
    const active = await this.memberships.activeForUser(environmentId, result.user.id);
    return active.length === 1 ? active[0]!.organizationId : null;
  }

  /** A new code by email (mail outbox); it supersedes the user's earlier radar codes. */
  private async mailCode(environmentId: string, user: User): Promise<string> {
    const ttl = this.config.RADAR_CHALLENGE_TTL_SECONDS;
    const id = await this.secrets.transaction(async (tx) => {
      const { row } = await this.secrets.issue(tx, { environmentId, kind: 'radar_challenge', userId: user.id, email: user.email, ttlSeconds: ttl });
      await this.mail.enqueue(tx, { environmentId, template: 'radar_challenge', entityId: row.id, recipient: user.email, vars: { email: user.email, expires_in_minutes: minutes(ttl) } });
      return row.id;
    });
    void this.mail.kick();
    return id;
  }

  /** `urn:workos:oauth:grant-type:radar-email-challenge:code`: the code of the user's newest challenge. */
  private authenticate(input: z.infer<typeof radarEmailGrantSchema>, ctx: GrantContext): Promise<GrantResult> {
    return this.spend(ctx, { code: input.code, challengeId: input.radar_challenge_id, pendingToken: input.pending_authentication_token });
  }

  /**
   * Spends a radar challenge: the pending token must be a radar challenge's, the code the user's
   * newest radar code (the one `challengeId` names), and `accept` must hold for it (the SMS grant
   * checks the phone number). Code and token are single use; success reaches radar.
   */
  async spend(ctx: GrantContext, p: { code: string; challengeId: string; pendingToken: string; accept?: (challengeId: string) => Promise<boolean> }): Promise<GrantResult> {
    const invalid = invalidGrant('The radar challenge code is invalid or has expired.');
    const pending = await this.pending.peek(ctx.environmentId, p.pendingToken, ['radar_challenge']);
    const user = await this.users.findById(ctx.environmentId, pending.userId);
    if (!user || !hasIdShape(p.challengeId, 'radar_challenge') || !isCodeShaped(p.code)) throw invalid;
    const { result, row } = await this.secrets.checkCode(ctx.environmentId, 'radar_challenge', user.id, p.code, user.email);
    if (result !== 'ok' || !row || row.id !== p.challengeId || (p.accept && !(await p.accept(row.id)))) throw invalid;
    await this.secrets.transaction(async (tx) => {
      if (!(await this.secrets.consume(tx, ctx.environmentId, row.id))) throw invalid;
    });
    await this.pending.consume(ctx.environmentId, p.pendingToken, ['radar_challenge']);
    if (pending.radarAttemptId) await this.radar.reportSuccess(ctx.environmentId, pending.radarAttemptId, 'challenge_status');
    return { user, organizationId: pending.organizationId, method: pending.authMethod as GrantResult['method'], sso: ssoSignInOf(pending.sso), radarAttemptId: pending.radarAttemptId, skipMfa: pending.mfaPassed };
  }
}
