import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { BadRequestError, ConflictError, DomainError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { OneTimeSecretsService } from '../email-flows/one-time-secrets.service';
import { SendThrottle } from '../email-flows/send-throttle.service';
import { minutes } from '../email-verification/email-verification.service';
import { MailOutbox } from '../mail/mail-outbox.service';
import { isCodeShaped } from '../tokens/one-time-secret';
import { toUserWire } from '../users/users.dto';
import { UsersService } from '../users/users.service';
import type { EmailChangeConfirmationWire, EmailChangeWire } from './email-change.dto';

/**
 * Changing a user's email address (the Java SDK's `sendEmailChange` and `confirmEmailChange`).
 * Invariants: the address changes only after the 6-digit code mailed to the NEW address comes
 * back, so nobody moves an account to an inbox they do not read; the code is a one-time secret
 * bound to that address (hashed with its row id, single use, dead after 5 wrong guesses, expiring
 * after EMAIL_CHANGE_TTL_SECONDS), and a new request ends the previous one; the change, its
 * `user.updated` event and the spending of the code commit together. Codes other flows mailed
 * to the old address stop working (they are bound to the address they were sent to).
 */
@Injectable()
export class EmailChangeService implements OnModuleInit {
  constructor(
    private readonly secrets: OneTimeSecretsService,
    private readonly users: UsersService,
    private readonly mail: MailOutbox,
    private readonly throttle: SendThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.mail.registerResolver('email_change', async (env, id) => {
      const r = await this.secrets.forMail(env, 'email_change', id);
      return 'skip' in r ? r : { vars: { code: r.secret } };
    });
  }

  async send(environmentId: string, userId: string, newEmail: string): Promise<EmailChangeWire> {
    const user = await this.users.mustFind(environmentId, userId);
    if (newEmail === user.email) throw new DomainError(422, 'email_change_same_email', 'The new email address is the user’s current one.');
    if (await this.users.findByEmail(environmentId, newEmail)) throw new ConflictError('user_already_exists', `A user with the email ${newEmail} already exists.`);
    await this.throttle.hit(environmentId, 'email_change', user.id);
    const ttl = this.config.EMAIL_CHANGE_TTL_SECONDS;
    const row = await this.secrets.transaction(async (tx) => {
      const { row: issued } = await this.secrets.issue(tx, { environmentId, kind: 'email_change', userId: user.id, email: newEmail, ttlSeconds: ttl });
      await this.mail.enqueue(tx, { environmentId, template: 'email_change', entityId: issued.id, recipient: newEmail, vars: { email: newEmail, expires_in_minutes: minutes(ttl) } });
      return issued;
    });
    void this.mail.kick();
    return { object: 'email_change', user: toUserWire(user), new_email: newEmail, expires_at: row.expiresAt.toISOString(), created_at: row.createdAt.toISOString() };
  }

  async confirm(environmentId: string, userId: string, code: string): Promise<EmailChangeConfirmationWire> {
    await this.users.mustFind(environmentId, userId);
    const invalid = () => new BadRequestError('email_change_code_invalid', 'The email change code is invalid.');
    if (!isCodeShaped(code)) throw invalid();
    const { result, row } = await this.secrets.checkCode(environmentId, 'email_change', userId, code, null);
    if (result === 'expired') throw new BadRequestError('email_change_code_expired', 'The email change code has expired; send a new one.');
    if (result === 'locked') throw new BadRequestError('email_change_code_locked', 'Too many wrong codes; send a new one.');
    if (result !== 'ok' || !row) throw invalid();
    const user = await this.users.changeEmail(environmentId, userId, row.email, async (tx) => {
      if (!(await this.secrets.consume(tx, environmentId, row.id))) throw invalid();
    });
    return { object: 'email_change_confirmation', user: toUserWire(user) };
  }
}
