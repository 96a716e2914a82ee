import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { CredentialsRepository } from '../credentials/credentials.repository';
import { TtlCache } from './ttl.cache';

const NEGATIVE_TTL_MS = 5_000;
const CLIENT_ID = /^client_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Public clients: browser redirects and PKCE clients name only a client ID, which resolves to
 * its environment. Client IDs are never deleted, so a positive answer may be cached; redirect
 * URIs are read on every check, so a newly added or removed URI applies to the next request.
 */
@Injectable()
export class ClientAuthService {
  private readonly cache: TtlCache<string | null>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: CredentialsRepository,
  ) {
    this.cache = new TtlCache(config.API_KEY_CACHE_MAX_ENTRIES);
  }

  /** The client's environment ID, or null for a malformed or unknown client ID. */
  async environmentOf(clientId: string | undefined): Promise<string | null> {
    if (!clientId || !CLIENT_ID.test(clientId)) return null;
    const hit = this.cache.get(clientId);
    if (hit) return hit.value;
    const row = await this.repo.findClientId(clientId);
    const env = row?.environmentId ?? null;
    this.cache.set(clientId, env, env ? this.config.API_KEY_CACHE_TTL_MS : NEGATIVE_TTL_MS);
    return env;
  }

  /** Exact, byte-for-byte comparison with the environment's registered redirect URIs. */
  redirectUriAllowed(environmentId: string, uri: string): Promise<boolean> {
    return this.repo.isRedirectUriAllowed(environmentId, uri);
  }
}
