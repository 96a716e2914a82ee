import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { CredentialsRepository } from '../credentials/credentials.repository';
import { hasApiKeyShape, hashApiKey } from '../credentials/api-key.secret';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { CredentialCache, type Throttled } from './credential.cache';

export interface AuthenticatedKey {
  apiKeyId: string;
  environmentId: string;
  rateLimitPerMinute: number | null;
}

/* Unknown keys are remembered briefly so a client retrying a bad key cannot hammer Postgres. */
const NEGATIVE_TTL_MS = 5_000;
const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Resolves `Authorization: Bearer <key>` to its API key and environment. Invariant: the hot
 * path asks Postgres only on a cache miss, so a revoked key keeps working for at most
 * API_KEY_CACHE_TTL_MS; a client IP gets CREDENTIAL_LOOKUPS_PER_IP cache misses per window.
 */
@Injectable()
export class ApiKeyAuthService {
  private readonly cache: CredentialCache<AuthenticatedKey>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    repo: CredentialsRepository,
    rateLimit: RateLimitService,
  ) {
    this.cache = new CredentialCache({
      lookup: async (hash) => {
        const row = await repo.findActiveKeyByHash(hash);
        return row ? { apiKeyId: row.id, environmentId: row.environmentId, rateLimitPerMinute: row.rateLimitPerMinute } : null;
      },
      budget: (ip) => rateLimit.spendLookup(ip),
      positive: { maxEntries: config.API_KEY_CACHE_MAX_ENTRIES, ttlMs: config.API_KEY_CACHE_TTL_MS },
      negative: { maxEntries: config.API_KEY_NEGATIVE_CACHE_MAX_ENTRIES, ttlMs: NEGATIVE_TTL_MS },
    });
  }

  /** The key's identity; null when the header is missing, malformed, unknown or revoked. */
  async authenticate(authorization: string | undefined, clientIp: string): Promise<AuthenticatedKey | null | Throttled> {
    const key = authorization && authorization.length <= 256 ? BEARER.exec(authorization)?.[1] : undefined;
    if (!key || !hasApiKeyShape(key)) return null;
    return this.cache.get(hashApiKey(key), clientIp);
  }
}
