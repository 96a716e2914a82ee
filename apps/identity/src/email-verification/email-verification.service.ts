import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { appendToOutbox, BadRequestError, NotFoundError, RateLimitedError, sha256Hex } from '@wos/platform';
import type { EmailVerificationWire, UserWire } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import type { Prisma, User } from '../generated/prisma/client';
import { AuthenticateGrants, type GrantContext, type GrantResult } from '../authenticate/authenticate.grants';
import { AuthFlowError, invalidGrant } from '../authenticate/authenticate.errors';
import { PendingAuthService } from '../authenticate/pending-auth.service';
import { UsersService } from '../users/users.service';
import { toUserWire } from '../users/users.dto';
import { MailOutbox } from '../mail/mail-outbox.service';
import { OneTimeSecretsService } from '../email-flows/one-time-secrets.service';
import { SendThrottle } from '../email-flows/send-throttle.service';
import { emailVerificationCreatedEvent } from '../email-flows/email-flows.events';
import { isCodeShaped } from '../tokens/one-time-secret';
import { ssoSignInOf } from '../authenticate/sso-sign-in';
import { emailVerificationGrantSchema, toEmailVerificationWire } from './email-verification.dto';

export const EMAIL_VERIFICATION_GRANT = 'urn:workos:oauth:grant-type:email-verification:code';

/**
 * Email verification (WORKOS_API.md §7.6): a 6-digit code by email proves the user owns the
 * address. Also the `email_verification_required` sign-in gate and the grant that completes it.
 */
@Injectable()
export class EmailVerificationService implements OnModuleInit {
  constructor(
    private readonly secrets: OneTimeSecretsService,
    private readonly users: UsersService,
    private readonly mail: MailOutbox,
    private readonly throttle: SendThrottle,
    private readonly grants: AuthenticateGrants,
    private readonly pending: PendingAuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.grants.register(EMAIL_VERIFICATION_GRANT, {
      schema: emailVerificationGrantSchema,
      eventType: 'email_verification',
      // Attempts are counted per pending sign-in (the "challenge" of WORKOS_API.md §3.4).
      throttleKeyOf: (input) => `pending:${sha256Hex(input.pending_authentication_token)}`,
      handle: (input, ctx) => this.authenticate(input, ctx),
    });
    this.grants.addGate((result, ctx) => this.gate(result, ctx));
    this.mail.registerResolver('email_verification', async (env, id) => {
      const r = await this.secrets.forMail(env, 'email_verification', id);
      return 'skip' in r ? r : { vars: { code: r.secret } };
    });
  }

  async get(environmentId: string, id: string): Promise<EmailVerificationWire> {
    const row = await this.secrets.find(environmentId, 'email_verification', id);
    if (!row) throw new NotFoundError('an email verification', id);
    return toEmailVerificationWire(row, this.secrets.reveal(row));
  }

  async send(environmentId: string, userId: string): Promise<{ user: UserWire }> {
    const user = await this.users.mustFind(environmentId, userId);
    if (user.emailVerified) throw new BadRequestError('email_already_verified', 'The email address of this user is already verified.');
    await this.throttle.hit(environmentId, 'email_verification', user.id);
    await this.issueAndSend(environmentId, user);
    return { user: toUserWire(user) };
  }

  async verify(environmentId: string, userId: string, code: string): Promise<{ user: UserWire }> {
    const user = await this.users.mustFind(environmentId, userId);
    await this.spendCode(environmentId, user, code, (reason) => new BadRequestError(reason.code, reason.message));
    return { user: toUserWire(await this.users.mustFind(environmentId, userId)) };
  }

  /** Creates the code with its `email_verification.created` event and its email (mail outbox), in one transaction. */
  private async issueAndSend(environmentId: string, user: User): Promise<EmailVerificationWire> {
    const wire = await this.secrets.transaction(async (tx) => {
      const { row, secret } = await this.secrets.issue(tx, {
        environmentId, kind: 'email_verification', userId: user.id, email: user.email, ttlSeconds: this.config.EMAIL_VERIFICATION_TTL_SECONDS,
      });
      const w = toEmailVerificationWire(row, secret);
      await appendToOutbox(tx, [emailVerificationCreatedEvent(w, environmentId)]);
      await this.mail.enqueue(tx, { environmentId, template: 'email_verification', entityId: w.id, recipient: user.email, vars: { email: user.email, expires_in_minutes: minutes(this.config.EMAIL_VERIFICATION_TTL_SECONDS) } });
      return w;
    });
    void this.mail.kick();
    return wire;
  }

  /**
   * Checks the user's newest code and, when it matches, spends it and marks the email verified
   * in one transaction (one `user.updated`). Wrong, used, expired and locked codes all fail
   * alike from the caller's side, apart from the message.
   */
  private async spendCode(
    environmentId: string,
    user: User,
    code: string,
    fail: (reason: { code: string; message: string }) => Error,
    also?: (tx: Prisma.TransactionClient) => Promise<void>,
  ): Promise<void> {
    const invalid = { code: 'email_verification_code_invalid', message: 'The email verification code is invalid.' };
    if (!isCodeShaped(code)) throw fail(invalid);
    const { result, row } = await this.secrets.checkCode(environmentId, 'email_verification', user.id, code, user.email);
    if (result === 'expired') throw fail({ code: 'email_verification_code_expired', message: 'The email verification code has expired.' });
    if (result !== 'ok' || !row) throw fail(invalid);
    await this.secrets.transaction(async (tx) => {
      if (!(await this.secrets.consume(tx, environmentId, row.id))) throw fail(invalid);
      await this.users.markEmailVerified(environmentId, user.id, tx);
      if (also) await also(tx);
    });
  }

  /**
   * A fresh code by email, within the per-user send limit; past it, repeated sign-in attempts
   * point at the code already sent (still valid) instead of mailing more.
   */
  private async codeForGate(environmentId: string, user: User): Promise<{ id: string }> {
    try {
      await this.throttle.hit(environmentId, 'email_verification', user.id);
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
      const latest = await this.secrets.latestUsable(environmentId, 'email_verification', user.id);
      if (latest) return latest;
      throw err;
    }
    return this.issueAndSend(environmentId, user);
  }

  /** `urn:workos:oauth:grant-type:email-verification:code`: completes a sign-in that the gate stopped. */
  private async authenticate(input: { code: string; pending_authentication_token: string }, ctx: GrantContext): Promise<GrantResult> {
    const pending = await this.pending.peek(ctx.environmentId, input.pending_authentication_token, ['email_verification']);
    const user = await this.users.findById(ctx.environmentId, pending.userId);
    if (!user) throw invalidGrant('The pending authentication token is invalid or has expired.');
    await this.spendCode(ctx.environmentId, user, input.code, (r) => invalidGrant(r.message));
    // The code is spent and the email verified; the pending token is single use as well.
    await this.pending.consume(ctx.environmentId, input.pending_authentication_token, ['email_verification']);
    const verified = (await this.users.findById(ctx.environmentId, user.id))!;
    return { user: verified, organizationId: pending.organizationId, method: pending.authMethod as GrantResult['method'], sso: ssoSignInOf(pending.sso), radarAttemptId: pending.radarAttemptId };
  }

  /**
   * The sign-in gate: with REQUIRE_EMAIL_VERIFICATION, a user whose email is unverified gets a
   * code by email and the 403 with a pending token, whatever the method, except magic auth
   * (which itself proves the inbox) and this grant. An SSO identity that is not linked yet
   * (`sso.linkPending`) always needs the code: it proves the address before the link is made.
   */
  private async gate(result: GrantResult, ctx: GrantContext & { grantType: string }): Promise<void> {
    const mustProve = result.sso?.linkPending === true || (this.config.REQUIRE_EMAIL_VERIFICATION && !result.user.emailVerified);
    if (!mustProve) return;
    if (result.method === 'MagicAuth' || ctx.grantType === EMAIL_VERIFICATION_GRANT) return;
    const verification = await this.codeForGate(ctx.environmentId, result.user);
    const token = await this.pending.issue({
      environmentId: ctx.environmentId,
      userId: result.user.id,
      kind: 'email_verification',
      method: result.method,
      organizationId: result.organizationId ?? null,
      sso: result.sso,
      ipAddress: ctx.ipAddress,
      userAgent: ctx.userAgent,
      radarAttemptId: result.radarAttemptId,
    });
    throw new AuthFlowError('email_verification_required', 'Email ownership must be verified before authentication.', {
      pending_authentication_token: token,
      email: result.user.email,
      email_verification_id: verification.id,
    });
  }
}

export function minutes(seconds: number): string {
  return String(Math.round(seconds / 60));
}
