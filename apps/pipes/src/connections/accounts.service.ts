import { Injectable } from '@nestjs/common';
import { BadRequestError, DomainError, newId } from '@wos/platform';
import type { ConnectedAccount, DataIntegration } from '../generated/prisma/client';
import type { CreateIntegrationInput, UpdateIntegrationInput } from '../integrations/integrations.dto';
import { IntegrationsService, type Ownership } from '../integrations/integrations.service';
import { ownerKey, type Owner } from '../pipes-core/owner';
import { AccountSecretsService, type AccountSecrets } from './account-secrets.service';
import { toConnectedAccountWire, toDataProviderWire, type AccountQuery, type ApiKeyRequest, type ClientCredentialsRequest, type ConnectedAccountWire, type TokenImport } from './accounts.dto';
import { accountEvent, type AccountChange } from './accounts.events';
import { AccountsRepository, type AccountWrite } from './accounts.repository';

export interface AccountFields {
  authMethod: 'oauth' | 'api_key' | 'client_credentials';
  state: 'connected' | 'needs_reauthorization';
  scopes: string[];
  expiresAt: Date | null;
  apiKeyLast4?: string | null;
  clientId?: string | null;
  clientSecretLast4?: string | null;
  config?: Record<string, string>;
}

/** A selector as the SDK sends it: which owner, and optionally which exact account. */
export interface Selector {
  owner: Owner;
  connectedAccountId?: string;
}

export function selectorFrom(b: { user_id: string; organization_id?: string | null; connection_owner?: string; connected_account_id?: string }): Selector {
  const owner: Owner =
    b.connection_owner === 'organization'
      ? { type: 'organization', userId: null, organizationId: b.organization_id! }
      : { type: 'user', userId: b.user_id, organizationId: b.organization_id ?? null };
  return { owner, connectedAccountId: b.connected_account_id };
}

/**
 * Connected accounts: one compatibility connection per integration and owner (multiple
 * connections per owner are WorkOS's future; `connection_intent: add` on an owner that has one is
 * a 404 `multiple_connections_unavailable`, as WorkOS answers today). Invariants: every state
 * change commits with its `pipes.connected_account.*` event; secrets are written to Vault before
 * the row that points at them and never leave it except through the token and credential routes.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly repo: AccountsRepository,
    private readonly integrations: IntegrationsService,
    private readonly secrets: AccountSecretsService,
  ) {}

  // ---- integrations (their deletes and api_key installations reach accounts) ----

  async createIntegration(environmentId: string, input: CreateIntegrationInput) {
    const row = await this.integrations.buildNew(environmentId, input);
    let installation: AccountWrite | null = null;
    let objectId: string | null = null;
    if (input.api_key) {
      const k = input.api_key;
      const owner: Owner = row.ownership === 'organization' ? { type: 'organization', userId: null, organizationId: k.organization_id ?? null } : { type: 'user', userId: k.user_id, organizationId: k.organization_id ?? null };
      if (owner.type === 'organization' && !owner.organizationId) throw new BadRequestError('organization_id_required', 'api_key.organization_id is required on an organization integration.');
      await this.secrets.assertOrganization(environmentId, owner.organizationId);
      const id = newId('data_installation');
      objectId = (await this.secrets.write(environmentId, id, null, owner, { kind: 'api_key', secret: k.secret })).objectId;
      installation = this.accountWrite(environmentId, id, row as unknown as DataIntegration, owner, { authMethod: 'api_key', state: 'connected', scopes: [], expiresAt: null, apiKeyLast4: k.secret.slice(-4) }, objectId);
    }
    try {
      const created = await this.repo.createIntegration(row, installation, (a) => [accountEvent('connected', a)]);
      return { ...this.integrations.wire(created.integration), installation: created.installation ? installationWire(created.installation) : null };
    } catch (err) {
      await this.secrets.discard(environmentId, objectId);
      return this.integrations.conflict(err, input.provider);
    }
  }

  /**
   * The installation's owner is checked before the integration changes; the API key itself is
   * written after (Vault, then its row), so a Vault outage at that point leaves the integration
   * updated and the key not installed (a retry of the same request completes it).
   */
  async updateIntegration(environmentId: string, slug: string, ownership: Ownership, input: UpdateIntegrationInput) {
    const k = input.api_key;
    const owner: Owner | null = !k ? null : ownership === 'organization' ? { type: 'organization', userId: null, organizationId: k.organization_id ?? null } : { type: 'user', userId: k.user_id, organizationId: k.organization_id ?? null };
    if (owner?.type === 'organization' && !owner.organizationId) throw new BadRequestError('organization_id_required', 'api_key.organization_id is required on an organization integration.');
    if (owner) await this.secrets.assertOrganization(environmentId, owner.organizationId);
    const updated = await this.integrations.update(environmentId, slug, ownership, input);
    const installation = owner && k ? installationWire(await this.saveApiKey(environmentId, updated, { owner }, k.secret, 'upsert')) : null;
    return { ...this.integrations.wire(updated), ...(installation ? { installation } : {}) };
  }

  async deleteIntegration(environmentId: string, slug: string, ownership: Ownership): Promise<void> {
    const integration = await this.integrations.get(environmentId, slug, ownership);
    const deleted = await this.repo.deleteIntegration(environmentId, integration.id, (a) => accountEvent('disconnected', a));
    await this.secrets.deleteOwed(environmentId, (deleted ?? []).map((a) => a.vaultObjectId));
  }

  // ---- connected accounts ----

  /** The owner's account for this integration (honouring `connected_account_id`), or null. */
  async find(environmentId: string, integration: DataIntegration, sel: Selector): Promise<ConnectedAccount | null> {
    const found = await this.repo.findByOwner(environmentId, integration.id, ownerKey(sel.owner));
    if (found && sel.connectedAccountId && found.id !== sel.connectedAccountId) return null;
    return found;
  }

  async getAccount(environmentId: string, slug: string, sel: Selector): Promise<ConnectedAccountWire> {
    const integration = await this.integrations.get(environmentId, slug, sel.owner.type);
    const found = await this.find(environmentId, integration, sel);
    if (!found) throw notFound(slug);
    return toConnectedAccountWire(found);
  }

  /** create (`add` refuses a second connection) or update (the account must exist) with imported tokens. */
  async importTokens(environmentId: string, slug: string, sel: Selector, input: TokenImport, mode: 'create' | 'update'): Promise<ConnectedAccountWire> {
    const integration = await this.integrations.get(environmentId, slug, sel.owner.type);
    await this.secrets.assertOrganization(environmentId, sel.owner.organizationId);
    const existing = await this.find(environmentId, integration, sel);
    if (mode === 'update' && !existing) throw notFound(slug);
    if (mode === 'create' && existing && input.connection_intent === 'add') throw multipleUnavailable();
    const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
    const hasTokens = !!(input.access_token || input.refresh_token);
    let secrets: AccountSecrets | null = null;
    if (hasTokens) {
      const previous = existing?.vaultObjectId && existing.authMethod === 'oauth' ? await this.secrets.read(environmentId, existing.vaultObjectId).catch(() => null) : null;
      const prev = previous?.kind === 'oauth' ? previous : null;
      secrets = {
        kind: 'oauth',
        access_token: input.access_token ?? prev?.access_token ?? null,
        refresh_token: input.refresh_token ?? prev?.refresh_token ?? null,
        expires_at: input.access_token ? (expiresAt?.toISOString() ?? null) : (prev?.expires_at ?? null),
        scopes: input.scopes ?? prev?.scopes ?? [],
      };
    }
    const state = input.state ?? (hasTokens || existing?.state === 'connected' ? 'connected' : 'needs_reauthorization');
    const fields: AccountFields = {
      authMethod: 'oauth',
      state,
      scopes: input.scopes ?? existing?.scopes ?? [],
      expiresAt: secrets?.kind === 'oauth' && secrets.expires_at ? new Date(secrets.expires_at) : hasTokens ? null : (existing?.expiresAt ?? null),
    };
    return toConnectedAccountWire(await this.save(environmentId, integration, sel.owner, existing, fields, secrets));
  }

  async deleteAccount(environmentId: string, slug: string, sel: Selector): Promise<void> {
    const integration = await this.integrations.get(environmentId, slug, sel.owner.type);
    const found = await this.find(environmentId, integration, sel);
    if (!found) throw notFound(slug);
    const deleted = await this.repo.delete(environmentId, found.id, (a) => accountEvent('disconnected', a));
    if (deleted) await this.secrets.deleteOwed(environmentId, [deleted.vaultObjectId]);
  }

  async listProviders(environmentId: string, owner: Owner) {
    const integrations = await this.integrations.listForOwner(environmentId, owner.type);
    const accounts = await this.repo.findForOwner(environmentId, integrations.map((i) => i.id), ownerKey(owner));
    const byIntegration = new Map(accounts.map((a) => [a.dataIntegrationId, a]));
    return { object: 'list' as const, data: integrations.map((i) => toDataProviderWire(i, this.integrations.provider(i), byIntegration.get(i.id) ?? null)) };
  }

  async apiKey(environmentId: string, slug: string, body: ApiKeyRequest, method: 'POST' | 'PUT'): Promise<ConnectedAccountWire> {
    const sel = selectorFrom(body);
    const integration = await this.integrations.get(environmentId, slug, sel.owner.type);
    if (!integration.authMethods.includes('api_key')) throw new BadRequestError('auth_method_not_supported', `The ${slug} integration does not take API keys.`);
    const mode = method === 'POST' ? 'add' : body.connection_intent === 'reauthorize' ? 'reauthorize' : 'upsert';
    return toConnectedAccountWire(await this.saveApiKey(environmentId, integration, sel, body.secret, mode));
  }

  async clientCredentials(environmentId: string, slug: string, body: ClientCredentialsRequest, method: 'POST' | 'PUT'): Promise<ConnectedAccountWire> {
    const sel = selectorFrom(body);
    const integration = await this.integrations.get(environmentId, slug, sel.owner.type);
    if (!integration.authMethods.includes('client_credentials')) throw new BadRequestError('auth_method_not_supported', `The ${slug} integration does not take client credentials.`);
    await this.secrets.assertOrganization(environmentId, sel.owner.organizationId);
    const existing = await this.existingFor(environmentId, integration, sel, method === 'POST' ? 'add' : body.connection_intent === 'reauthorize' ? 'reauthorize' : 'upsert');
    const fields: AccountFields = {
      authMethod: 'client_credentials',
      state: 'connected',
      scopes: [],
      expiresAt: null,
      clientId: body.client_id,
      clientSecretLast4: body.client_secret.slice(-4),
      config: body.config ?? {},
    };
    const secrets: AccountSecrets = { kind: 'client_credentials', client_secret: body.client_secret, access_token: null, expires_at: null, scopes: [] };
    return toConnectedAccountWire(await this.save(environmentId, integration, sel.owner, existing, fields, secrets));
  }

  /** Stores an OAuth grant from the callback (TokensService's exchange), connecting the owner. */
  saveGrant(environmentId: string, integration: DataIntegration, owner: Owner, existing: ConnectedAccount | null, secrets: Extract<AccountSecrets, { kind: 'oauth' }>): Promise<ConnectedAccount> {
    return this.save(environmentId, integration, owner, existing, { authMethod: 'oauth', state: 'connected', scopes: secrets.scopes, expiresAt: secrets.expires_at ? new Date(secrets.expires_at) : null }, secrets);
  }

  findByOwner(environmentId: string, integration: DataIntegration, owner: Owner): Promise<ConnectedAccount | null> {
    return this.repo.findByOwner(environmentId, integration.id, ownerKey(owner));
  }

  private async saveApiKey(environmentId: string, integration: DataIntegration, sel: Selector, secret: string, mode: 'add' | 'reauthorize' | 'upsert'): Promise<ConnectedAccount> {
    await this.secrets.assertOrganization(environmentId, sel.owner.organizationId);
    const existing = await this.existingFor(environmentId, integration, sel, mode);
    const fields: AccountFields = { authMethod: 'api_key', state: 'connected', scopes: [], expiresAt: null, apiKeyLast4: secret.slice(-4) };
    return this.save(environmentId, integration, sel.owner, existing, fields, { kind: 'api_key', secret });
  }

  private async existingFor(environmentId: string, integration: DataIntegration, sel: Selector, mode: 'add' | 'reauthorize' | 'upsert'): Promise<ConnectedAccount | null> {
    const existing = await this.findByOwner(environmentId, integration, sel.owner);
    if (mode === 'add' && existing) throw multipleUnavailable();
    if ((mode === 'reauthorize' || sel.connectedAccountId) && (!existing || (sel.connectedAccountId && existing.id !== sel.connectedAccountId))) throw notFound(integration.slug);
    return existing;
  }

  /** Vault first, then the row and its event; a new Vault object is removed again if the row does not commit. */
  private async save(environmentId: string, integration: DataIntegration, owner: Owner, existing: ConnectedAccount | null, fields: AccountFields, secrets: AccountSecrets | null): Promise<ConnectedAccount> {
    const id = existing?.id ?? newId('data_installation');
    const written = secrets ? await this.secrets.write(environmentId, id, existing, owner, secrets) : null;
    const objectId = written?.objectId ?? existing?.vaultObjectId ?? null;
    try {
      return await this.repo.upsert(environmentId, this.accountWrite(environmentId, id, integration, owner, fields, objectId), (saved, previous) => {
        const change = transition(previous?.state ?? null, saved.state);
        return change ? [accountEvent(change, saved)] : [];
      });
    } catch (err) {
      if (written?.created) await this.secrets.discard(environmentId, written.objectId);
      throw err;
    }
  }

  private accountWrite(environmentId: string, id: string, integration: Pick<DataIntegration, 'id' | 'slug'>, owner: Owner, f: AccountFields, vaultObjectId: string | null): AccountWrite {
    return {
      id,
      environmentId,
      dataIntegrationId: integration.id,
      providerSlug: integration.slug,
      ownerType: owner.type,
      userId: owner.userId,
      organizationId: owner.organizationId,
      ownerKey: ownerKey(owner),
      authMethod: f.authMethod,
      state: f.state,
      scopes: f.scopes,
      apiKeyLast4: f.apiKeyLast4 ?? null,
      clientId: f.clientId ?? null,
      clientSecretLast4: f.clientSecretLast4 ?? null,
      config: f.config ?? {},
      vaultObjectId,
      expiresAt: f.expiresAt,
      refreshFailures: 0,
      retryRefreshAt: null,
      lastRefreshError: null,
    };
  }
}

/** The event a state change announces: connected on entering `connected`, reauthorization_needed on entering it. */
function transition(from: string | null, to: string): AccountChange | null {
  if (from === to) return null;
  if (to === 'connected') return 'connected';
  if (to === 'needs_reauthorization') return 'reauthorization_needed';
  return null;
}

function installationWire(a: ConnectedAccount) {
  return { id: a.id, connection_role: 'compatibility' as const, account_identifier: null, account_display_name: null, user_id: a.userId, organization_id: a.organizationId, api_key_last_4: a.apiKeyLast4 };
}

export function notFound(slug: string): DomainError {
  return new DomainError(404, 'entity_not_found', `Could not find a connected account for ${slug}.`, { entity_id: slug });
}

function multipleUnavailable(): DomainError {
  return new DomainError(404, 'multiple_connections_unavailable', 'This owner already has a connection for this integration; additional connections are not available yet.');
}

export function queryToSelector(owner: Owner, q: AccountQuery): Selector {
  return { owner, connectedAccountId: q.connected_account_id };
}
