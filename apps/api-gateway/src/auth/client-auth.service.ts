import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { CredentialsRepository } from '../credentials/credentials.repository';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { CredentialCache, type Throttled } from './credential.cache';

const NEGATIVE_TTL_MS = 5_000;
const CLIENT_ID = /^client_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Public clients: browser redirects and PKCE clients name only a client ID, which resolves to
 * its environment. Client IDs are never deleted, so a positive answer may be cached; redirect
 * URIs and CORS origins are read on every check, so a change applies to the next request.
 */
@Injectable()
export class ClientAuthService {
  private readonly cache: CredentialCache<string>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repo: CredentialsRepository,
    rateLimit: RateLimitService,
  ) {
    this.cache = new CredentialCache({
      lookup: async (clientId) => (await repo.findClientId(clientId))?.environmentId ?? null,
      budget: (ip) => rateLimit.spendLookup(ip),
      positive: { maxEntries: config.API_KEY_CACHE_MAX_ENTRIES, ttlMs: config.API_KEY_CACHE_TTL_MS },
      negative: { maxEntries: config.API_KEY_NEGATIVE_CACHE_MAX_ENTRIES, ttlMs: NEGATIVE_TTL_MS },
    });
  }

  /** The client's environment ID; null for a malformed or unknown client ID. */
  async environmentOf(clientId: string | undefined, clientIp: string): Promise<string | null | Throttled> {
    if (!clientId || !CLIENT_ID.test(clientId)) return null;
    return this.cache.get(clientId, clientIp);
  }

  /** The environment's client IDs (the audience of agent access tokens identity mints). */
  async clientIdsOf(environmentId: string): Promise<string[]> {
    return (await this.repo.listClientIds(environmentId)).map((c) => c.id);
  }

  /** Exact, byte-for-byte comparison with the environment's registered redirect URIs. */
  redirectUriAllowed(environmentId: string, uri: string): Promise<boolean> {
    return this.repo.isRedirectUriAllowed(environmentId, uri);
  }

  /** The environment's app homepage URL (`workos config homepage-url set`), where a logout without return_to lands. */
  async appHomepageUrl(environmentId: string): Promise<string | null> {
    return (await this.repo.findEnvironment(environmentId))?.appHomepageUrl ?? null;
  }

  /** Exact comparison of a browser's Origin header with the environment's CORS origins. */
  corsOriginAllowed(environmentId: string, origin: string): Promise<boolean> {
    return this.repo.isCorsOriginAllowed(environmentId, origin);
  }

  /** True when some environment allows the origin (preflights that name no client). */
  corsOriginKnown(origin: string): Promise<boolean> {
    return this.repo.isCorsOriginKnown(origin);
  }
}
