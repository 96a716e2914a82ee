import { Inject, Injectable } from '@nestjs/common';
import { internalAuthKeyFor, internalFetch, LOGGER, type Logger } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

const MAX_CACHED = 10_000;
const TIMEOUT_MS = 2_000;

/**
 * The access token's `feature_flags` claim: the slugs on for the session's organization (when it
 * has one) and user, from the organizations service (DESIGN.md rule 1: flags are its data), which
 * answers from its in-memory runtime payload. Cached here per (environment, organization, user) for
 * FEATURE_FLAG_CLAIMS_CACHE_SECONDS, so a flag change reaches tokens issued after at most that
 * long. Without an answer (organizations down, an error) the claim is empty: an outage withholds
 * flags, never grants them, and never fails a sign-in.
 */
@Injectable()
export class FlagClaimsService {
  private readonly cache = new Map<string, { slugs: string[]; expiresAt: number }>();
  private readonly key: string;
  private readonly log: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.key = internalAuthKeyFor(config, 'organizations');
    this.log = logger.child({ context: FlagClaimsService.name });
  }

  async forToken(environmentId: string, organizationId: string | null, userId: string): Promise<string[]> {
    const cacheKey = `${environmentId}\n${organizationId ?? ''}\n${userId}`;
    const now = Date.now();
    const hit = this.cache.get(cacheKey);
    if (hit && hit.expiresAt > now) return hit.slugs;
    try {
      const query = new URLSearchParams({ ...(organizationId ? { organization_id: organizationId } : {}), user_id: userId });
      const res = await internalFetch(
        `${this.config.ORGANIZATIONS_URL}/internal/feature-flags/claims?${query}`,
        { key: this.key, audience: 'organizations', environmentId },
        { method: 'GET', signal: AbortSignal.timeout(TIMEOUT_MS) },
      );
      if (!res.ok) throw new Error(`organizations answered ${res.status}`);
      const { feature_flags: slugs } = (await res.json()) as { feature_flags: string[] };
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, { slugs, expiresAt: now + this.config.FEATURE_FLAG_CLAIMS_CACHE_SECONDS * 1000 });
      if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      return slugs;
    } catch (err) {
      this.log.warn({ err: (err as Error).message, organization_id: organizationId }, 'feature-flag claims unavailable; issuing the token without flags');
      return [];
    }
  }
}
