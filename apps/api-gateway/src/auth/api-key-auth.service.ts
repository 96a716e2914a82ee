import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { CredentialsRepository } from '../credentials/credentials.repository';
import { hasApiKeyShape, hashApiKey } from '../credentials/api-key.secret';
import { TtlCache } from './ttl.cache';

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
 * API_KEY_CACHE_TTL_MS; concurrent misses for one key share a single query.
 */
@Injectable()
export class ApiKeyAuthService {
  private readonly cache: TtlCache<AuthenticatedKey | null>;
  private readonly inflight = new Map<string, Promise<AuthenticatedKey | null>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: CredentialsRepository,
  ) {
    this.cache = new TtlCache(config.API_KEY_CACHE_MAX_ENTRIES);
  }

  /** The key's identity, or null when the header is missing, malformed, unknown or revoked. */
  async authenticate(authorization: string | undefined): Promise<AuthenticatedKey | null> {
    const key = authorization && authorization.length <= 256 ? BEARER.exec(authorization)?.[1] : undefined;
    if (!key || !hasApiKeyShape(key)) return null;
    const hash = hashApiKey(key);
    const hit = this.cache.get(hash);
    if (hit) return hit.value;
    let pending = this.inflight.get(hash);
    if (!pending) {
      pending = this.lookup(hash).finally(() => this.inflight.delete(hash));
      this.inflight.set(hash, pending);
    }
    return pending;
  }

  private async lookup(hash: string): Promise<AuthenticatedKey | null> {
    const row = await this.repo.findActiveKeyByHash(hash);
    const found = row ? { apiKeyId: row.id, environmentId: row.environmentId, rateLimitPerMinute: row.rateLimitPerMinute } : null;
    this.cache.set(hash, found, found ? this.config.API_KEY_CACHE_TTL_MS : NEGATIVE_TTL_MS);
    return found;
  }
}
