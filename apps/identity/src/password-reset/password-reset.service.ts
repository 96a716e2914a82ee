import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { appendToOutbox, DomainError, NotFoundError } from '@wos/platform';
import type { PasswordResetWire, UserWire } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { UsersService } from '../users/users.service';
import { toUserWire } from '../users/users.dto';
import { MailOutbox } from '../mail/mail-outbox.service';
import { OneTimeSecretsService } from '../email-flows/one-time-secrets.service';
import { SendThrottle } from '../email-flows/send-throttle.service';
import { passwordResetEvent } from '../email-flows/email-flows.events';
import { minutes } from '../email-verification/email-verification.service';
import { passwordResetUrl, toPasswordResetWire, type ResetPasswordInput } from './password-reset.dto';

/**
 * Password reset (WORKOS_API.md §7.6). The token is emailed as a link, stored as SHA-256 (plus a
 * sealed copy for GET), expires, and works once. Resetting verifies the email, since the link
 * proved the inbox, and ends every active session of the user. An unknown email is a 404, as in WorkOS's API: this endpoint is for servers
 * holding the API key, which can list users anyway; the hosted page does not reveal it.
 */
@Injectable()
export class PasswordResetService implements OnModuleInit {
  private readonly baseUrl: string;

  constructor(
    private readonly secrets: OneTimeSecretsService,
    private readonly users: UsersService,
    private readonly mail: MailOutbox,
    private readonly throttle: SendThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.baseUrl = config.PASSWORD_RESET_URL || new URL('/reset-password', config.PUBLIC_BASE_URL).toString();
  }

  onModuleInit(): void {
    this.mail.registerResolver('password_reset', async (env, id, vars) => {
      const r = await this.secrets.forMail(env, 'password_reset', id);
      return 'skip' in r ? r : { vars: { url: passwordResetUrl(vars.link_base || this.baseUrl, r.secret) } };
    });
  }

  async get(environmentId: string, id: string): Promise<PasswordResetWire> {
    const row = await this.secrets.find(environmentId, 'password_reset', id);
    if (!row) throw new NotFoundError('a password reset', id);
    return toPasswordResetWire(row, this.secrets.reveal(row), this.baseUrl);
  }

  /** `linkBase` replaces PASSWORD_RESET_URL in the email (the hosted reset page); the API never sets it. */
  async create(environmentId: string, email: string, linkBase?: string): Promise<PasswordResetWire> {
    // Throttled before the lookup, so the limit answers alike for known and unknown addresses.
    await this.throttle.hit(environmentId, 'password_reset', email);
    const user = await this.users.findByEmail(environmentId, email);
    if (!user) throw new NotFoundError('a user', email);
    const wire = await this.secrets.transaction(async (tx) => {
      const { row, secret } = await this.secrets.issue(tx, {
        environmentId, kind: 'password_reset', userId: user.id, email: user.email, ttlSeconds: this.config.PASSWORD_RESET_TTL_SECONDS,
      });
      const w = toPasswordResetWire(row, secret, this.baseUrl);
      await appendToOutbox(tx, [passwordResetEvent('password_reset.created', w, environmentId)]);
      await this.mail.enqueue(tx, { environmentId, template: 'password_reset', entityId: w.id, recipient: user.email, vars: { email: user.email, expires_in_minutes: minutes(this.config.PASSWORD_RESET_TTL_SECONDS), ...(linkBase ? { link_base: linkBase } : {}) } });
      return w;
    });
    void this.mail.kick();
    return wire;
  }

  /**
   * Sets the new password (argon2id), spends the token, verifies the email, ends every active
   * session (WorkOS: "all of their active sessions are revoked"; UsersService.setPassword) and
   * writes `password_reset.succeeded`, all in one transaction: a token cannot set two passwords.
   */
  async reset(environmentId: string, input: ResetPasswordInput): Promise<{ user: UserWire }> {
    const { result, row } = await this.secrets.checkToken(environmentId, 'password_reset', input.token);
    if (result === 'expired') throw new DomainError(400, 'password_reset_token_expired', 'The password reset token has expired.');
    if (result !== 'ok' || !row) throw new DomainError(404, 'password_reset_token_not_found', 'The password reset token could not be found or was already used.');
    // A link mailed to an address the user has since changed no longer resets the account.
    const owner = await this.users.findById(environmentId, row.userId);
    if (owner?.email !== row.email) throw new DomainError(404, 'password_reset_token_not_found', 'The password reset token could not be found or was already used.');
    const user = await this.secrets.transaction(async (tx) => {
      if (!(await this.secrets.consume(tx, environmentId, row.id))) {
        throw new DomainError(404, 'password_reset_token_not_found', 'The password reset token could not be found or was already used.');
      }
      await this.users.setPassword(environmentId, row.userId, input.new_password, tx);
      const updated = await this.users.markEmailVerified(environmentId, row.userId, tx);
      const token = this.secrets.reveal(row);
      await appendToOutbox(tx, [passwordResetEvent('password_reset.succeeded', toPasswordResetWire(row, token, this.baseUrl), environmentId)]);
      return updated;
    });
    return { user: toUserWire(user) };
  }
}
