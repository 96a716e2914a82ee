import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { BadRequestError, DomainError, registry, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import type { ConnectedAccount, DataIntegration } from '../generated/prisma/client';
import { ProviderClient } from '../infra/provider.client';
import { VaultObjectGoneError } from '../infra/vault.client';
import { IntegrationsService } from '../integrations/integrations.service';
import { OrgConfigsService, type EffectiveSettings } from '../integrations/org-configs.service';
import { refreshBackoffMs } from '../pipes-core/backoff';
import { ownerKey } from '../pipes-core/owner';
import { missingScopes, requestedScopes } from '../pipes-core/providers';
import { interpretTokenResponse, type StoredTokens } from '../pipes-core/token-response';
import { AccountSecretsService, type AccountSecrets } from './account-secrets.service';
import { selectorFrom } from './accounts.service';
import type { TokenRequest } from './accounts.dto';
import { accountEvent } from './accounts.events';
import { AccountsRepository, type LockedAccount } from './accounts.repository';

type Inactive = { active: false; error: 'not_installed' | 'needs_reauthorization' };
type Usable = { account: ConnectedAccount; secrets: AccountSecrets; tokens: StoredTokens | null };

const MAX_CACHED = 10_000;

/* Pipes' metrics: provider refreshes by outcome, and where handed-out tokens came from. */
const refreshes = new Counter({ name: 'pipes_token_refreshes_total', help: 'Token refreshes at providers, by outcome (ok, invalid_grant, unavailable, rejected)', labelNames: ['outcome'], registers: [registry] });
const tokenReads = new Counter({ name: 'pipes_token_reads_total', help: 'Secrets read for getAccessToken and credentials, by source (cache, vault; vault_ahead: re-read in the background before expiry)', labelNames: ['source'], registers: [registry] });

/**
 * Hands out access tokens and vended credentials. Invariants:
 * - a token is handed out only while it is valid for at least PIPES_REFRESH_SKEW_SECONDS more, or
 *   (provider down, backoff) while it is still valid at all;
 * - at most ONE refresh per account is in flight across all replicas: callers of one replica share
 *   one promise, and replicas serialise on the account's row lock (SELECT … FOR UPDATE), re-reading
 *   the row under it, so a waiter finds the token its predecessor stored and never refreshes again;
 * - a refused grant (`invalid_grant`) sets `needs_reauthorization` with its event, in the lock's
 *   transaction; provider errors back off exponentially (retry_refresh_at), also recorded there;
 * - the in-memory cache is keyed by the row's token_version, which every write bumps, so it never
 *   serves a token the database no longer points at.
 */
@Injectable()
export class TokensService {
  private readonly inflight = new Map<string, Promise<Usable | Inactive>>();
  private readonly cache = new Map<string, { version: number; secrets: AccountSecrets; refreshAt: number; until: number }>();
  /* Accounts whose secrets are being re-read ahead of their expiry (at most one read each). */
  private readonly refreshingAhead = new Set<string>();
  private readonly log: Logger;

  constructor(
    private readonly repo: AccountsRepository,
    private readonly integrations: IntegrationsService,
    private readonly orgConfigs: OrgConfigsService,
    private readonly secrets: AccountSecretsService,
    private readonly providers: ProviderClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: TokensService.name });
  }

  async accessToken(environmentId: string, slug: string, body: TokenRequest) {
    const r = await this.usable(environmentId, slug, body, ['oauth', 'client_credentials']);
    if ('active' in r) return r;
    const t = r.tokens!;
    return {
      active: true as const,
      access_token: { object: 'access_token' as const, access_token: t.access_token, expires_at: t.expires_at, scopes: t.scopes, missing_scopes: r.missing },
    };
  }

  async credential(environmentId: string, slug: string, body: TokenRequest) {
    const r = await this.usable(environmentId, slug, body, ['oauth', 'api_key', 'client_credentials']);
    if ('active' in r) return r;
    const config = (r.account.config ?? {}) as Record<string, string>;
    if (r.secrets.kind === 'api_key') return { active: true as const, credential: { object: 'credential' as const, auth_method: 'api_key' as const, value: r.secrets.secret, config } };
    const t = r.tokens!;
    const common = { object: 'credential' as const, value: t.access_token, expires_at: t.expires_at, scopes: t.scopes, missing_scopes: r.missing, config };
    return r.secrets.kind === 'oauth'
      ? { active: true as const, credential: { ...common, auth_method: 'oauth' as const } }
      : { active: true as const, credential: { ...common, auth_method: 'client_credentials' as const, metadata: {} } };
  }

  private async usable(environmentId: string, slug: string, body: TokenRequest, methods: string[]): Promise<Inactive | (Usable & { missing: string[] })> {
    const sel = selectorFrom(body);
    const found = await this.repo.findForToken(environmentId, slug, sel.owner.type, ownerKey(sel.owner), sel.owner.organizationId);
    if (!found) throw new DomainError(404, 'entity_not_found', `Could not find a data integration with the slug, ${slug}.`, { entity_id: slug });
    const { integration } = found;
    const settings = this.orgConfigs.settingsFrom(integration, found.orgConfig);
    if (!settings.enabled) return { active: false, error: 'not_installed' };
    const account = found.account && (!sel.connectedAccountId || found.account.id === sel.connectedAccountId) ? found.account : null;
    if (!account || account.state === 'disconnected' || !account.vaultObjectId) return { active: false, error: 'not_installed' };
    if (!methods.includes(account.authMethod)) throw new BadRequestError('auth_method_not_supported', `The connected account authenticates with ${account.authMethod}; use createDataIntegrationCredential.`);
    if (account.state === 'needs_reauthorization') return { active: false, error: 'needs_reauthorization' };
    const r = this.fresh(account) ? await this.read(integration, settings, account) : await this.refreshShared(integration, settings, account);
    if ('active' in r) return r;
    const missing = r.tokens ? missingScopes(requestedScopes(this.integrations.provider(integration), settings.scopes), r.tokens.scopes) : [];
    return { ...r, missing };
  }

  /** True when the stored token stays valid past the refresh skew (api keys never expire). */
  private fresh(a: { authMethod: string; expiresAt: Date | null; tokenVersion: number }, secrets?: AccountSecrets): boolean {
    if (a.authMethod === 'api_key') return true;
    if (secrets && secrets.kind !== 'api_key' && !secrets.access_token) return false;
    return a.expiresAt === null ? a.authMethod === 'oauth' || !!secrets : a.expiresAt.getTime() - this.config.PIPES_REFRESH_SKEW_SECONDS * 1000 > Date.now();
  }

  private async read(integration: DataIntegration, settings: EffectiveSettings, account: ConnectedAccount): Promise<Usable | Inactive> {
    let secrets: AccountSecrets;
    try {
      secrets = await this.secretsOf(account);
    } catch (err) {
      if (!(err instanceof VaultObjectGoneError)) throw err;
      await this.gone(account, err);
      return { active: false, error: 'not_installed' };
    }
    if (secrets.kind !== 'api_key' && !secrets.access_token) return this.refreshShared(integration, settings, account);
    return { account, secrets, tokens: tokensOf(secrets) };
  }

  private async secretsOf(account: ConnectedAccount): Promise<AccountSecrets> {
    const hit = this.cache.get(account.id);
    const now = Date.now();
    if (hit && hit.version === account.tokenVersion && hit.until > now) {
      tokenReads.inc({ source: 'cache' });
      if (now >= hit.refreshAt) this.refreshAhead(account);
      return hit.secrets;
    }
    tokenReads.inc({ source: 'vault' });
    const secrets = await this.secrets.read(account.environmentId, account.vaultObjectId!);
    this.remember(account, secrets);
    return secrets;
  }

  /**
   * An entry in use is re-read from Vault in the background once it passes its refresh point, so
   * a busy account never waits for Vault on its request path; an entry is still never served
   * past `until` (the TTL after its Vault read). A failed re-read leaves the entry to expire (a
   * gone object drops it, so the next call finds out synchronously).
   */
  private refreshAhead(account: ConnectedAccount): void {
    if (this.refreshingAhead.has(account.id)) return;
    this.refreshingAhead.add(account.id);
    tokenReads.inc({ source: 'vault_ahead' });
    this.secrets
      .read(account.environmentId, account.vaultObjectId!)
      .then(
        (secrets) => {
          if (this.cache.get(account.id)?.version === account.tokenVersion) this.remember(account, secrets);
        },
        (err) => {
          if (err instanceof VaultObjectGoneError) this.cache.delete(account.id);
          else this.log.debug({ connected_account_id: account.id, err }, 'reading secrets ahead of their expiry failed; the cached entry expires as usual');
        },
      )
      .finally(() => this.refreshingAhead.delete(account.id));
  }

  /**
   * Each entry is served until the TTL after its Vault read, and re-read ahead (refreshAhead)
   * from a random point between 5/8 and 7/8 of it: accounts read together (a restart, a burst of
   * traffic) then come due spread over a quarter of the TTL, not in one wave to Vault.
   */
  private remember(account: ConnectedAccount, secrets: AccountSecrets): void {
    const ttl = this.config.PIPES_TOKEN_CACHE_TTL_MS;
    if (ttl === 0) return;
    const now = Date.now();
    this.cache.delete(account.id);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(account.id, { version: account.tokenVersion, secrets, refreshAt: now + (ttl * 5) / 8 + Math.random() * (ttl / 4), until: now + ttl });
  }

  /** The secrets are gone from Vault (deleted, or shredded with their organization): the account is disconnected. */
  private async gone(account: ConnectedAccount, err: VaultObjectGoneError): Promise<void> {
    this.log.warn({ environment_id: account.environmentId, connected_account_id: account.id, code: err.code }, 'connected account secrets are gone from Vault; disconnecting');
    await this.repo.setState(account.environmentId, account.id, 'disconnected', (a) => accountEvent('disconnected', a));
  }


  /** One refresh per account per replica at a time; concurrent callers share its result. */
  private refreshShared(integration: DataIntegration, settings: EffectiveSettings, account: ConnectedAccount): Promise<Usable | Inactive> {
    const key = `${account.environmentId}:${account.id}`;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.refreshLocked(integration, settings, account).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async refreshLocked(integration: DataIntegration, settings: EffectiveSettings, seen: ConnectedAccount): Promise<Usable | Inactive> {
    const outcome = await this.repo.withLock(seen.environmentId, seen.id, async (locked) => {
      if (!locked || locked.row.state === 'disconnected' || !locked.row.vaultObjectId) return { active: false as const, error: 'not_installed' as const };
      if (locked.row.state === 'needs_reauthorization') return { active: false as const, error: 'needs_reauthorization' as const };
      let secrets: AccountSecrets;
      try {
        secrets = await this.secrets.read(seen.environmentId, locked.row.vaultObjectId);
      } catch (err) {
        if (err instanceof VaultObjectGoneError) return { gone: err };
        throw err;
      }
      // Another replica (or an earlier holder) refreshed while this one waited for the lock.
      if (this.fresh(locked.row, secrets)) return { account: locked.row, secrets, tokens: tokensOf(secrets) };
      return this.refreshHolding(integration, settings, locked, secrets);
    });
    if ('gone' in outcome) {
      await this.gone(seen, outcome.gone);
      return { active: false, error: 'not_installed' };
    }
    if ('unavailable' in outcome) {
      throw new DomainError(503, 'provider_unavailable', `The provider could not refresh the token (${outcome.unavailable}); retry after ${outcome.retryAt.toISOString()}.`, { retry_at: outcome.retryAt.toISOString() });
    }
    if ('account' in outcome) this.remember(outcome.account, outcome.secrets);
    return outcome;
  }

  /** Runs under the row lock: one provider call, and its result recorded before the lock is released. */
  private async refreshHolding(integration: DataIntegration, settings: EffectiveSettings, locked: LockedAccount, secrets: AccountSecrets): Promise<Usable | Inactive | { unavailable: string; retryAt: Date }> {
    const row = locked.row;
    const current = tokensOf(secrets);
    const stillValid = current && (!current.expires_at || new Date(current.expires_at).getTime() > Date.now());
    if (row.retryRefreshAt && row.retryRefreshAt.getTime() > Date.now()) {
      // Backing off after provider errors: a still-valid token is better than none.
      if (stillValid) return { account: row, secrets, tokens: current };
      return { unavailable: row.lastRefreshError ?? 'provider error', retryAt: row.retryRefreshAt };
    }
    const provider = this.integrations.provider(integration);
    let params: Record<string, string>;
    let client: { id: string; secret: string | null };
    if (secrets.kind === 'client_credentials') {
      const scopes = requestedScopes(provider, settings.scopes);
      params = { grant_type: 'client_credentials', ...(scopes.length ? { scope: scopes.join(provider.scopeSeparator) } : {}) };
      client = { id: row.clientId!, secret: secrets.client_secret };
    } else if (secrets.kind === 'oauth' && secrets.refresh_token) {
      params = { grant_type: 'refresh_token', refresh_token: secrets.refresh_token };
      if (!settings.client) return { unavailable: 'credentials_missing', retryAt: new Date() };
      client = settings.client;
    } else {
      // Expired and nothing to refresh it with: only a new authorization helps.
      await locked.update({ state: 'needs_reauthorization', bumpVersion: true }, (a) => [accountEvent('reauthorization_needed', a)]);
      return { active: false, error: 'needs_reauthorization' };
    }
    const url = provider.refreshTokenUrl ?? provider.tokenUrl;
    if (!url) throw new BadRequestError('provider_not_refreshable', 'The provider has no token endpoint.');
    const answer = await this.providers.tokenRequest(url, provider, client, params);
    const previous = secrets.kind === 'oauth' ? { refresh_token: secrets.refresh_token, scopes: secrets.scopes } : { refresh_token: null, scopes: secrets.scopes };
    const result = answer.status === 0 ? ({ ok: false, kind: 'unavailable', error: 'provider_unreachable', description: null } as const) : interpretTokenResponse(answer.status, answer.body, new Date(), previous);
    refreshes.inc({ outcome: result.ok ? 'ok' : result.kind });
    if (result.ok) {
      const next: AccountSecrets = secrets.kind === 'oauth' ? { kind: 'oauth', ...result.tokens } : { ...secrets, access_token: result.tokens.access_token, expires_at: result.tokens.expires_at, scopes: result.tokens.scopes };
      // Vault first: a rotated refresh token must be stored before the row says the refresh happened.
      await this.secrets.update(row.environmentId, row.vaultObjectId!, next);
      const account = await locked.update({ expiresAt: result.tokens.expires_at ? new Date(result.tokens.expires_at) : null, scopes: result.tokens.scopes, refreshFailures: 0, retryRefreshAt: null, lastRefreshError: null, bumpVersion: true });
      return { account, secrets: next, tokens: tokensOf(next) };
    }
    if (result.kind === 'invalid_grant' || (secrets.kind === 'client_credentials' && result.kind === 'rejected')) {
      this.log.info({ environment_id: row.environmentId, connected_account_id: row.id, error: result.error }, 'the provider refused the grant; the account needs reauthorization');
      await locked.update({ state: 'needs_reauthorization', lastRefreshError: result.error, bumpVersion: true }, (a) => [accountEvent('reauthorization_needed', a)]);
      return { active: false, error: 'needs_reauthorization' };
    }
    const failures = row.refreshFailures + 1;
    const retryAt = new Date(Date.now() + refreshBackoffMs(failures, this.config.PIPES_REFRESH_BACKOFF_MAX_SECONDS));
    this.log.warn({ environment_id: row.environmentId, connected_account_id: row.id, error: result.error, failures }, 'token refresh failed; backing off');
    await locked.update({ refreshFailures: failures, retryRefreshAt: retryAt, lastRefreshError: result.error.slice(0, 200) });
    if (stillValid) return { account: row, secrets, tokens: current };
    return { unavailable: result.error.slice(0, 200), retryAt };
  }
}

function tokensOf(s: AccountSecrets): StoredTokens | null {
  if (s.kind === 'api_key' || !s.access_token) return null;
  return { access_token: s.access_token, refresh_token: s.kind === 'oauth' ? s.refresh_token : null, expires_at: s.expires_at, scopes: s.scopes };
}
