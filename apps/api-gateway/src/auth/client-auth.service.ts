import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { NotifiedCache, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { CLIENT_SETTINGS_CHANNEL, CredentialsRepository } from '../credentials/credentials.repository';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { CredentialCache, type Throttled } from './credential.cache';

const NEGATIVE_TTL_MS = 5_000;
const CLIENT_ID = /^client_[0-9A-HJKMNP-TV-Z]{26}$/;

/** Backstop for a missed NOTIFY: an environment's redirect URIs and CORS origins are re-read at least this often. */
const CLIENT_SETTINGS_TTL_MS = 60_000;
const CLIENT_SETTINGS_MAX_ENVIRONMENTS = 10_000;

interface ClientSettings {
  redirectUris: Set<string>;
  corsOrigins: Set<string>;
}

/**
 * Public clients: browser redirects and PKCE clients name only a client ID, which resolves to
 * its environment. Client IDs are never deleted, so a positive answer may be cached.
 * Redirect URIs and CORS origins are cached per environment (NotifiedCache: triggers on both
 * tables NOTIFY every change). Invariants: only a "yes" is answered from the cache; a "no" is
 * checked in the database, so an addition applies to the next request on every replica. A
 * removal applies at once on this process (the repository tells the cache) and on the others
 * when the notification arrives, milliseconds after the commit; without a LISTEN connection
 * nothing is answered from the cache.
 */
@Injectable()
export class ClientAuthService implements OnModuleInit, OnModuleDestroy {
  private readonly cache: CredentialCache<string>;
  private readonly settings: NotifiedCache<ClientSettings>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly repo: CredentialsRepository,
    rateLimit: RateLimitService,
  ) {
    this.settings = new NotifiedCache({
      databaseUrl: config.DATABASE_URL,
      channel: CLIENT_SETTINGS_CHANNEL,
      load: async (environmentId) => {
        const s = await repo.clientSettings(environmentId);
        return { redirectUris: new Set(s.redirectUris), corsOrigins: new Set(s.corsOrigins) };
      },
      maxEntries: CLIENT_SETTINGS_MAX_ENVIRONMENTS,
      ttlMs: CLIENT_SETTINGS_TTL_MS,
      log: logger.child({ context: ClientAuthService.name }),
    });
    repo.onClientSettingsRemoved((environmentId) => this.settings.forget(environmentId));
    this.cache = new CredentialCache({
      lookup: async (clientId) => (await repo.findClientId(clientId))?.environmentId ?? null,
      budget: (ip) => rateLimit.spendLookup(ip),
      positive: { maxEntries: config.API_KEY_CACHE_MAX_ENTRIES, ttlMs: config.API_KEY_CACHE_TTL_MS },
      negative: { maxEntries: config.API_KEY_NEGATIVE_CACHE_MAX_ENTRIES, ttlMs: NEGATIVE_TTL_MS },
    });
  }

  onModuleInit(): void {
    this.settings.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.settings.stop();
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

  /**
   * Where an emailed AuthKit link (an invitation) opens the hosted pages: the environment's first
   * client ID and its default redirect URI (the earliest registered, as WorkOS makes the first one added the default), each null when none.
   */
  async hostedLinkTargetOf(environmentId: string): Promise<{ client_id: string | null; redirect_uri: string | null }> {
    const [clientIds, redirectUri] = await Promise.all([this.repo.listClientIds(environmentId), this.defaultRedirectUri(environmentId)]);
    return { client_id: clientIds[0]?.id ?? null, redirect_uri: redirectUri };
  }

  /** Exact, byte-for-byte comparison with the environment's registered redirect URIs. */
  async redirectUriAllowed(environmentId: string, uri: string): Promise<boolean> {
    return (await this.settings.get(environmentId)).redirectUris.has(uri) || this.repo.isRedirectUriAllowed(environmentId, uri);
  }

  /** The environment's default redirect URI (its earliest-registered one), or null without any. */
  async defaultRedirectUri(environmentId: string): Promise<string | null> {
    return (await this.repo.defaultRedirectUri(environmentId))?.uri ?? null;
  }

  /** The environment's app homepage URL (`workos config homepage-url set`), where a logout without return_to lands. */
  async appHomepageUrl(environmentId: string): Promise<string | null> {
    return (await this.repo.findEnvironment(environmentId))?.appHomepageUrl ?? null;
  }

  /** Exact comparison of a browser's Origin header with the environment's CORS origins. */
  async corsOriginAllowed(environmentId: string, origin: string): Promise<boolean> {
    return (await this.settings.get(environmentId)).corsOrigins.has(origin) || this.repo.isCorsOriginAllowed(environmentId, origin);
  }

  /** True when some environment allows the origin (preflights that name no client). */
  corsOriginKnown(origin: string): Promise<boolean> {
    return this.repo.isCorsOriginKnown(origin);
  }
}
