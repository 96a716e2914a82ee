import { Injectable } from '@nestjs/common';
import { toFieldErrors, ValidationError } from '@wos/platform';
import { AuthkitSettingsRepository } from './authkit-settings.repository';
import { toHostedSettings, toSettingsWire, updateAuthkitSettingsSchema, type HostedSettings } from './authkit-settings.dto';

/* Pages read the settings on every render; a short per-process cache keeps that off Postgres. */
const CACHE_MS = 5_000;

/**
 * Per-environment settings of the hosted pages. Invariant: a change is visible on the replica
 * that made it at once and on others within CACHE_MS (the pages and the MFA gate read through
 * the cache; nothing security-relevant loosens faster than that window).
 */
@Injectable()
export class AuthkitSettingsService {
  private readonly cache = new Map<string, { at: number; value: HostedSettings }>();

  constructor(private readonly repo: AuthkitSettingsRepository) {}

  async forEnvironment(environmentId: string): Promise<HostedSettings> {
    const hit = this.cache.get(environmentId);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
    const value = toHostedSettings(await this.repo.find(environmentId));
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(environmentId, { at: Date.now(), value });
    return value;
  }

  async get(environmentId: string) {
    return toSettingsWire(await this.forEnvironment(environmentId));
  }

  async update(environmentId: string, raw: unknown) {
    const parsed = updateAuthkitSettingsSchema.safeParse(raw ?? {});
    if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error.issues));
    const { sign_up_policy, require_mfa, branding } = parsed.data;
    const row = await this.repo.upsert(environmentId, {
      ...(sign_up_policy !== undefined ? { signUpPolicy: sign_up_policy } : {}),
      ...(require_mfa !== undefined ? { requireMfa: require_mfa } : {}),
      ...(branding?.name !== undefined ? { brandName: branding.name } : {}),
      ...(branding?.logo !== undefined ? { logoDataUrl: branding.logo } : {}),
      ...(branding?.primary_color !== undefined ? { primaryColor: branding.primary_color?.toLowerCase() ?? null } : {}),
      ...(branding?.custom_domain !== undefined ? { customDomain: branding.custom_domain } : {}),
    });
    const value = toHostedSettings(row);
    this.cache.set(environmentId, { at: Date.now(), value });
    return toSettingsWire(value);
  }
}
