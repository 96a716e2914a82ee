import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { hasIdShape } from '@wos/contracts';
import { BadRequestError, DomainError, newId, NotFoundError, SecretBox, ValidationError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import type { PasswordlessSession } from '../generated/prisma/client';
import { MailOutbox } from '../mail/mail-outbox.service';
import { SendThrottle } from '../email-flows/send-throttle.service';
import { RedirectUrisClient } from '../sessions/redirect-uris.client';
import { hashToken, newLinkToken } from '../tokens/one-time-secret';
import { minutes } from '../email-verification/email-verification.service';
import { PasswordlessRepository } from './passwordless.repository';
import { MagicLinkCodesClient } from './magic-link-codes.client';
import { passwordlessLink, toPasswordlessSessionWire, type CreatePasswordlessSessionInput, type PasswordlessSessionWire } from './passwordless.dto';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

/**
 * Magic Link (WORKOS_API.md §15), WorkOS's legacy passwordless product. createSession returns the
 * link; sendSession emails it (the mail outbox; the token is sealed in the row until then).
 * Following the link spends it (once, before its expiry, in one UPDATE), then redirects the
 * browser to the session's redirect URI with a `code` and the app's `state`; the app exchanges
 * the code with `sso.getProfileAndToken` for a `MagicLink` profile, as WorkOS documents ("the
 * redirect URI / profile retrieval process is identical between Magic Link and SSO"). No AuthKit
 * user or session is involved: Magic Link is an authentication, not a session, product.
 * Invariant: the redirect URI is one of the environment's registered redirect URIs (the given
 * one, else the default one), checked when the session is made and again when the link is
 * followed (it may have been removed).
 */
@Injectable()
export class PasswordlessService implements OnModuleInit {
  constructor(
    private readonly repo: PasswordlessRepository,
    private readonly redirectUris: RedirectUrisClient,
    private readonly codes: MagicLinkCodesClient,
    private readonly mail: MailOutbox,
    private readonly throttle: SendThrottle,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.mail.registerResolver('passwordless_session', async (env, id) => {
      const s = await this.repo.find(env, id);
      if (!s) return { skip: 'gone' };
      if (s.usedAt) return { skip: 'used' };
      if (s.expiresAt.getTime() <= Date.now()) return { skip: 'expired' };
      return { vars: { url: this.linkOf(s) } };
    });
  }

  async create(environmentId: string, input: CreatePasswordlessSessionInput): Promise<PasswordlessSessionWire> {
    // Without redirect_uri the environment's default redirect URI is used, as WorkOS does.
    const redirectUri = input.redirect_uri ?? (await this.redirectUris.defaultUri(environmentId));
    if (!redirectUri) {
      throw new ValidationError([{ field: 'redirect_uri', code: 'redirect_uri_required', message: 'redirect_uri is required: the environment has no default redirect URI.' }]);
    }
    if (input.redirect_uri && !(await this.redirectUris.isRegistered(environmentId, input.redirect_uri))) {
      throw new ValidationError([{ field: 'redirect_uri', code: 'redirect_uri_not_allowed', message: "redirect_uri is not one of the environment's redirect URIs." }]);
    }
    const id = newId('passwordless_session');
    const token = newLinkToken();
    const now = new Date();
    const session = await this.repo.create({
      id,
      environmentId,
      email: input.email,
      tokenHash: hashToken(token),
      tokenSealed: this.box.seal(token, id),
      redirectUri,
      state: input.state ?? null,
      connectionId: input.connection ?? null,
      expiresAt: new Date(now.getTime() + (input.expires_in ?? this.config.PASSWORDLESS_TTL_SECONDS) * 1000),
      createdAt: now,
    });
    return toPasswordlessSessionWire(session, passwordlessLink(this.config.PUBLIC_BASE_URL, token));
  }

  /** Emails the link (WorkOS: `{success: true}`); a used or expired session is a 400. */
  async send(environmentId: string, id: string): Promise<{ success: true }> {
    const s = hasIdShape(id, 'passwordless_session') ? await this.repo.find(environmentId, id) : null;
    if (!s) throw new NotFoundError('a passwordless session', id);
    if (s.usedAt) throw new BadRequestError('passwordless_session_used', 'This passwordless session was already used.');
    if (s.expiresAt.getTime() <= Date.now()) throw new BadRequestError('passwordless_session_expired', 'This passwordless session has expired.');
    await this.throttle.hit(environmentId, 'passwordless_session', s.email);
    const ttl = Math.max(60, Math.round((s.expiresAt.getTime() - Date.now()) / 1000));
    await this.repo.transaction((tx) =>
      this.mail.enqueue(tx, { environmentId, template: 'passwordless_session', entityId: s.id, recipient: s.email, vars: { email: s.email, expires_in_minutes: minutes(ttl) } }),
    );
    void this.mail.kick();
    return { success: true };
  }

  /** Following the link: the URL to redirect the browser to (the app's redirect URI with `code` and `state`). */
  async follow(token: string): Promise<string> {
    const invalid = () => new BadRequestError('passwordless_link_invalid', 'This sign-in link is invalid, has expired or was already used.');
    if (!TOKEN_SHAPE.test(token)) throw invalid();
    const s = await this.repo.spendByTokenHash(hashToken(token), new Date());
    if (!s) throw invalid();
    if (!(await this.redirectUris.isRegistered(s.environmentId, s.redirectUri))) {
      throw new DomainError(400, 'redirect_uri_not_allowed', "The link's redirect URI is no longer registered for this environment.");
    }
    const code = await this.codes.issue(s.environmentId, { email: s.email, redirect_uri: s.redirectUri, ...(s.connectionId ? { connection_id: s.connectionId } : {}) });
    const url = new URL(s.redirectUri);
    url.searchParams.set('code', code);
    if (s.state !== null) url.searchParams.set('state', s.state);
    return url.toString();
  }

  private linkOf(s: PasswordlessSession): string {
    return passwordlessLink(this.config.PUBLIC_BASE_URL, this.box.openString(s.tokenSealed, s.id));
  }
}
