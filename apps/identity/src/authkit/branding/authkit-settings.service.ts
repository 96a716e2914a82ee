import { Inject, Injectable } from '@nestjs/common';
import { toFieldErrors, ValidationError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../../config';
import { DEFAULT_EMAIL_SETTINGS, SenderPolicy } from '../../mail/email-sender';
import { AuthkitSettingsRepository } from './authkit-settings.repository';
import { toHostedSettings, toSettingsWire, updateAuthkitSettingsSchema, type HostedSettings, type UpdateAuthkitSettingsInput } from './authkit-settings.dto';

/* Pages read the settings on every render; a short per-process cache keeps that off Postgres. */
const CACHE_MS = 5_000;

/**
 * Per-environment settings of the hosted pages, of the environment's email and of SSO identity
 * linking. Invariant: a change is visible on the replica that made it at once and on others
 * within CACHE_MS (the pages and the MFA gate read through the cache; nothing security-relevant
 * loosens faster than that window). The mail outbox reads `fresh` instead: an email leaves with
 * the settings committed when it is sent, on every replica. So does SSO linking: once
 * `link_oauth_verified_email: false` commits, no replica links by a provider's word.
 */
@Injectable()
export class AuthkitSettingsService {
  private readonly cache = new Map<string, { at: number; value: HostedSettings }>();
  private readonly senders: SenderPolicy;

  constructor(
    private readonly repo: AuthkitSettingsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.senders = new SenderPolicy(config.MAIL_FROM, config.MAIL_SENDER_DOMAINS);
  }

  async forEnvironment(environmentId: string): Promise<HostedSettings> {
    const hit = this.cache.get(environmentId);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
    return this.fresh(environmentId);
  }

  /** Read from Postgres (and refresh the cache). */
  async fresh(environmentId: string): Promise<HostedSettings> {
    const value = toHostedSettings(await this.repo.find(environmentId));
    this.remember(environmentId, value);
    return value;
  }

  async get(environmentId: string) {
    return toSettingsWire(await this.forEnvironment(environmentId));
  }

  async update(environmentId: string, raw: unknown) {
    const parsed = updateAuthkitSettingsSchema.safeParse(raw ?? {});
    if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error.issues));
    const { sign_up_policy, require_mfa, link_oauth_verified_email, branding, email } = parsed.data;
    this.checkSender(email);
    const row = await this.repo.upsert(environmentId, {
      ...(sign_up_policy !== undefined ? { signUpPolicy: sign_up_policy } : {}),
      ...(require_mfa !== undefined ? { requireMfa: require_mfa } : {}),
      ...(link_oauth_verified_email !== undefined ? { linkOauthVerifiedEmail: link_oauth_verified_email } : {}),
      ...(branding?.name !== undefined ? { brandName: branding.name } : {}),
      ...(branding?.logo !== undefined ? { logoDataUrl: branding.logo } : {}),
      ...(branding?.primary_color !== undefined ? { primaryColor: branding.primary_color?.toLowerCase() ?? null } : {}),
      ...(branding?.custom_domain !== undefined ? { customDomain: branding.custom_domain } : {}),
      ...emailColumns(email),
    });
    const value = toHostedSettings(row);
    this.remember(environmentId, value);
    return toSettingsWire(value);
  }

  /** The From address must be on a domain the relay may send for (SenderPolicy); checked before any write. */
  private checkSender(email: UpdateAuthkitSettingsInput['email']): void {
    const address = email?.from_address;
    if (!address || this.senders.allows(address)) return;
    throw new ValidationError([
      {
        field: 'email.from_address',
        code: 'sender_domain_not_allowed',
        message: `from_address must be on a domain this installation sends mail for: ${this.senders.domains.join(', ')} (set MAIL_SENDER_DOMAINS to add one).`,
      },
    ]);
  }

  private remember(environmentId: string, value: HostedSettings): void {
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(environmentId, { at: Date.now(), value });
  }
}

/** `email: null` resets every email column; otherwise only the fields given change. */
function emailColumns(email: UpdateAuthkitSettingsInput['email']) {
  if (email === undefined) return {};
  const e = email ?? { from_name: DEFAULT_EMAIL_SETTINGS.fromName, from_address: DEFAULT_EMAIL_SETTINGS.fromAddress, reply_to: DEFAULT_EMAIL_SETTINGS.replyTo, delivery: DEFAULT_EMAIL_SETTINGS.delivery };
  return {
    ...(e.from_name !== undefined ? { emailFromName: e.from_name } : {}),
    ...(e.from_address !== undefined ? { emailFromAddress: e.from_address } : {}),
    ...(e.reply_to !== undefined ? { emailReplyTo: e.reply_to } : {}),
    ...(e.delivery !== undefined ? { emailDelivery: e.delivery } : {}),
  };
}
