import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';
import { NotifiedCache, registry, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import type { ConnectedAccount, DataIntegration, OrganizationIntegrationConfig } from '../generated/prisma/client';

/** What getAccessToken and credentials read first: the integration, the owner's account and the organization's settings. */
export interface TokenLookup {
  integration: DataIntegration;
  account: ConnectedAccount | null;
  orgConfig: OrganizationIntegrationConfig | null;
}

export interface TokenLookupKey {
  environmentId: string;
  slug: string;
  ownership: string;
  ownerKey: string;
  organizationId: string | null;
}

/* The channel the migration's triggers NOTIFY on (20261205030000_notify_token_lookups). */
export const TOKEN_LOOKUP_CHANNEL = 'pipes_token_lookups';
const MAX_ENTRIES = 10_000;
/* Backstop should a notification ever be missed; every write notifies. */
const TTL_MS = 60_000;

const lookups = new Counter({ name: 'pipes_token_lookups_total', help: 'Token-path lookups (integration, account, settings), by source (cache, database)', labelNames: ['source'], registers: [registry] });

/** The scope of an environment's integrations and organization settings. */
export const environmentScope = (environmentId: string) => environmentId;
/** The scope of one owner's accounts in an environment (the triggers build the same string). */
export const ownerScope = (environmentId: string, ownerKey: string) => `${environmentId} ${ownerKey}`;

/**
 * A per-process cache of the token path's lookup, kept coherent by NOTIFY (NotifiedCache).
 * Invariants:
 * - every insert, update and delete of data_integrations, organization_integration_configs and
 *   connected_accounts NOTIFYs, from a trigger, whoever writes (this service, another replica,
 *   SQL): the environment for the first two, the environment and owner for an account; each
 *   notification drops every cached lookup in that scope, milliseconds after the commit;
 * - this process's own writes drop the environment's lookups at once (`changed`), without
 *   waiting for the notification;
 * - without a LISTEN connection nothing is answered from memory.
 * So a cached lookup is never staler than one notification delivery, on any replica.
 */
@Injectable()
export class TokenLookupCache implements OnModuleInit, OnModuleDestroy {
  private loader?: (key: TokenLookupKey) => Promise<TokenLookup | null>;
  private readonly cache: NotifiedCache<TokenLookup | null>;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(LOGGER) logger: Logger) {
    this.cache = new NotifiedCache({
      databaseUrl: config.DATABASE_URL,
      channel: TOKEN_LOOKUP_CHANNEL,
      scopesOf: (k) => {
        const key = JSON.parse(k) as TokenLookupKey;
        return [environmentScope(key.environmentId), ownerScope(key.environmentId, key.ownerKey)];
      },
      load: (k) => {
        if (!this.loader) throw new Error('TokenLookupCache: no loader registered');
        return this.loader(JSON.parse(k) as TokenLookupKey);
      },
      maxEntries: MAX_ENTRIES,
      ttlMs: TTL_MS,
      log: logger.child({ context: TokenLookupCache.name }),
      lookups,
    });
  }

  /** The repository that reads lookups registers itself (it depends on this cache for `changed`). */
  setLoader(loader: (key: TokenLookupKey) => Promise<TokenLookup | null>): void {
    this.loader = loader;
  }

  onModuleInit(): void {
    this.cache.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.cache.stop();
  }

  get(key: TokenLookupKey): Promise<TokenLookup | null> {
    // Built field by field: one lookup has one cache key whatever the caller's property order.
    const { environmentId, slug, ownership, ownerKey, organizationId } = key;
    return this.cache.get(JSON.stringify({ environmentId, slug, ownership, ownerKey, organizationId }));
  }

  /** This process changed the environment's integrations, settings or accounts. */
  changed(environmentId: string): void {
    this.cache.forgetScope(environmentScope(environmentId));
  }

  /** This process changed (or may have changed) one owner's account: a token refresh. */
  accountChanged(environmentId: string, ownerKey: string): void {
    this.cache.forgetScope(ownerScope(environmentId, ownerKey));
  }
}
