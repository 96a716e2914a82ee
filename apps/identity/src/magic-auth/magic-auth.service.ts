import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { appendToOutbox, ConflictError, NotFoundError } from '@wos/platform';
import type { MagicAuthWire } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import type { User } from '../generated/prisma/client';
import { AuthenticateGrants, type GrantContext, type GrantResult } from '../authenticate/authenticate.grants';
import { invalidGrant } from '../authenticate/authenticate.errors';
import { UsersService } from '../users/users.service';
import { MailOutbox } from '../mail/mail-outbox.service';
import { OneTimeSecretsService } from '../email-flows/one-time-secrets.service';
import { SendThrottle } from '../email-flows/send-throttle.service';
import { magicAuthCreatedEvent } from '../email-flows/email-flows.events';
import { minutes } from '../email-verification/email-verification.service';
import { InvitationsService } from '../invitations/invitations.service';
import { isCodeShaped } from '../tokens/one-time-secret';
import { magicAuthGrantSchema, toMagicAuthWire, type CreateMagicAuthInput, type MagicAuthGrantInput } from './magic-auth.dto';

export const MAGIC_AUTH_GRANT = 'urn:workos:oauth:grant-type:magic-auth:code';

/**
 * Magic auth (WORKOS_API.md §7.6): sign in or sign up with a 6-digit code sent by email. As in
 * WorkOS, an address with no user gets one (unverified) when the code is created, so the answer
 * never tells whether the address was known. A correct code verifies the email.
 */
@Injectable()
export class MagicAuthService implements OnModuleInit {
  constructor(
    private readonly secrets: OneTimeSecretsService,
    private readonly users: UsersService,
    private readonly mail: MailOutbox,
    private readonly throttle: SendThrottle,
    private readonly grants: AuthenticateGrants,
    private readonly invitations: InvitationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.grants.register(MAGIC_AUTH_GRANT, {
      schema: magicAuthGrantSchema,
      eventType: 'magic_auth',
      emailOf: (input) => input.email,
      // The same per-email budget as the password grant (WORKOS_API.md §3.4).
      throttleKeyOf: (input) => input.email,
      handle: (input, ctx) => this.authenticate(input, ctx),
    });
    this.mail.registerResolver('magic_auth', async (env, id) => {
      const r = await this.secrets.forMail(env, 'magic_auth', id);
      return 'skip' in r ? r : { vars: { code: r.secret } };
    });
  }

  async get(environmentId: string, id: string): Promise<MagicAuthWire> {
    const row = await this.secrets.find(environmentId, 'magic_auth', id);
    if (!row) throw new NotFoundError('a magic auth code', id);
    return toMagicAuthWire(row, this.secrets.reveal(row));
  }

  async create(environmentId: string, input: CreateMagicAuthInput): Promise<MagicAuthWire> {
    await this.throttle.hit(environmentId, 'magic_auth', input.email);
    // The invitation must at least exist and be pending; it is accepted at sign-in.
    if (input.invitation_token) await this.invitations.findPendingByToken(environmentId, input.invitation_token);
    const user = await this.userFor(environmentId, input.email);
    const wire = await this.secrets.transaction(async (tx) => {
      const { row, secret } = await this.secrets.issue(tx, {
        environmentId, kind: 'magic_auth', userId: user.id, email: user.email, ttlSeconds: this.config.MAGIC_AUTH_TTL_SECONDS,
      });
      const w = toMagicAuthWire(row, secret);
      await appendToOutbox(tx, [magicAuthCreatedEvent(w, environmentId)]);
      await this.mail.enqueue(tx, { environmentId, template: 'magic_auth', entityId: w.id, recipient: user.email, vars: { email: user.email, expires_in_minutes: minutes(this.config.MAGIC_AUTH_TTL_SECONDS) } });
      return w;
    });
    void this.mail.kick();
    return wire;
  }

  /** The user with this email, created (with `user.created`) when there is none. */
  private async userFor(environmentId: string, email: string): Promise<User> {
    const existing = await this.users.findByEmail(environmentId, email);
    if (existing) return existing;
    try {
      await this.users.create(environmentId, { email });
    } catch (err) {
      // A concurrent request created it first: use that one.
      if (!(err instanceof ConflictError)) throw err;
    }
    return (await this.users.findByEmail(environmentId, email))!;
  }

  /**
   * `urn:workos:oauth:grant-type:magic-auth:code`. The code is spent and the email verified in
   * one transaction; with `invitation_token` the invitation is accepted for this user.
   */
  private async authenticate(input: MagicAuthGrantInput, ctx: GrantContext): Promise<GrantResult> {
    const invalid = () => invalidGrant('The code is invalid or has expired.');
    const user = await this.users.findByEmail(ctx.environmentId, input.email);
    if (!user || !isCodeShaped(input.code)) throw invalid();
    const { result, row } = await this.secrets.checkCode(ctx.environmentId, 'magic_auth', user.id, input.code, user.email);
    if (result !== 'ok' || !row) throw invalid();
    await this.secrets.transaction(async (tx) => {
      if (!(await this.secrets.consume(tx, ctx.environmentId, row.id))) throw invalid();
      await this.users.markEmailVerified(ctx.environmentId, user.id, tx);
    });
    let organizationId: string | null | undefined;
    if (input.invitation_token) organizationId = (await this.invitations.acceptByToken(ctx.environmentId, input.invitation_token, user)).organization_id;
    const fresh = (await this.users.findById(ctx.environmentId, user.id))!;
    return { user: fresh, method: 'MagicAuth', ...(organizationId ? { organizationId } : {}) };
  }
}
