import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ConnectApplicationSecretWire, ConnectApplicationWire } from '@wos/contracts';
import { newId, NotFoundError, paginate, sha256Hex, toListEnvelope, ValidationError } from '@wos/platform';
import type { ConnectApplication } from '../generated/prisma/client';
import { OrganizationsClient } from '../memberships/organizations.client';
import {
  normaliseRedirectUris,
  toApplicationWire,
  toSecretWire,
  type CreateApplicationInput,
  type ListApplicationsQuery,
  type UpdateApplicationInput,
} from './applications.dto';
import { applicationEvent, secretEvent } from './applications.events';
import { ApplicationsRepository, type ApplicationPatch } from './applications.repository';
import { ConnectClientCache } from './connect-client-cache';

/** More live secrets than this is a leak waiting to happen; rotation needs two. */
export const MAX_SECRETS_PER_APPLICATION = 5;

/**
 * Connect applications and their client secrets. Invariants: an application's organization is
 * one of its environment's (checked with the organizations service); a secret is shown once and
 * only its SHA-256 is stored; every change writes its event in its transaction.
 */
@Injectable()
export class ApplicationsService {
  constructor(
    private readonly repo: ApplicationsRepository,
    private readonly organizations: OrganizationsClient,
    private readonly clients: ConnectClientCache,
  ) {}

  async create(environmentId: string, input: CreateApplicationInput, opts: { dynamic?: boolean } = {}): Promise<ConnectApplicationWire> {
    const organizationId = input.organization_id ?? null;
    if (input.application_type === 'oauth' && !input.is_first_party && !organizationId && !opts.dynamic) {
      throw new ValidationError([{ field: 'organization_id', code: 'organization_id_required', message: 'Third-party applications require an organization_id.' }]);
    }
    if (organizationId) await this.organizations.mustGet(environmentId, organizationId);
    const now = new Date();
    const oauth = input.application_type === 'oauth';
    const created = await this.repo.create(
      environmentId,
      {
        id: newId('conn_app'),
        clientId: newId('client'),
        applicationType: input.application_type,
        name: input.name,
        description: input.description ?? null,
        scopes: input.scopes ?? [],
        redirectUris: (oauth ? normaliseRedirectUris(input.redirect_uris ?? []) : []) as unknown as ConnectApplication['redirectUris'],
        // PKCE is on unless the caller turns it off; public clients get it regardless (see the provider).
        usesPkce: oauth ? (input.uses_pkce ?? true) : false,
        isFirstParty: oauth ? input.is_first_party : false,
        wasDynamicallyRegistered: Boolean(opts.dynamic),
        organizationId,
        createdAt: now,
        updatedAt: now,
      },
      (a) => applicationEvent('created', a, environmentId),
    );
    return toApplicationWire(created);
  }

  async list(environmentId: string, q: ListApplicationsQuery) {
    return toListEnvelope(await paginate(q, (req) => this.repo.page(environmentId, q.organization_id, req)), toApplicationWire);
  }

  async get(environmentId: string, idOrClientId: string): Promise<ConnectApplicationWire> {
    return toApplicationWire(await this.require(environmentId, idOrClientId));
  }

  async update(environmentId: string, idOrClientId: string, input: UpdateApplicationInput): Promise<ConnectApplicationWire> {
    const a = await this.require(environmentId, idOrClientId);
    if (a.applicationType === 'm2m' && input.redirect_uris) {
      throw new ValidationError([{ field: 'redirect_uris', code: 'redirect_uris_not_allowed', message: 'M2M applications have no redirect URIs.' }]);
    }
    const patch: ApplicationPatch = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.description != null) patch.description = input.description;
    if (input.scopes != null) patch.scopes = input.scopes;
    if (input.redirect_uris != null) patch.redirectUris = normaliseRedirectUris(input.redirect_uris) as unknown as ApplicationPatch['redirectUris'];
    const updated = await this.repo.update(environmentId, a.id, patch, (u) => applicationEvent('updated', u, environmentId));
    this.clients.forget(a.id);
    if (!updated) throw new NotFoundError('a connect application', idOrClientId);
    return toApplicationWire(updated);
  }

  async delete(environmentId: string, idOrClientId: string): Promise<void> {
    const a = await this.require(environmentId, idOrClientId);
    const deleted = await this.repo.delete(environmentId, a.id, applicationEvent('deleted', { ...a, updatedAt: new Date() }, environmentId));
    this.clients.forget(a.id);
    if (!deleted) {
      throw new NotFoundError('a connect application', idOrClientId);
    }
  }

  /** A bare array (the SDK maps `data` directly). */
  async listSecrets(environmentId: string, idOrClientId: string): Promise<ConnectApplicationSecretWire[]> {
    const a = await this.require(environmentId, idOrClientId);
    return (await this.repo.listSecrets(environmentId, a.id)).map(toSecretWire);
  }

  async createSecret(environmentId: string, idOrClientId: string): Promise<ConnectApplicationSecretWire & { secret: string }> {
    const a = await this.require(environmentId, idOrClientId);
    if ((await this.repo.countSecrets(environmentId, a.id)) >= MAX_SECRETS_PER_APPLICATION) {
      throw new ValidationError([{ field: 'id', code: 'too_many_client_secrets', message: `An application has at most ${MAX_SECRETS_PER_APPLICATION} client secrets; delete one first.` }]);
    }
    // 256 random bits: a fast hash is enough (no dictionary to try), as for API keys.
    const secret = randomBytes(32).toString('base64url');
    const now = new Date();
    const created = await this.repo.createSecret(
      environmentId,
      { id: newId('secret'), applicationId: a.id, secretHash: sha256Hex(secret), secretHint: secret.slice(-4), lastUsedAt: null, createdAt: now, updatedAt: now },
      (s) => secretEvent('created', s, environmentId),
    );
    this.clients.forget(a.id);
    return { ...toSecretWire(created), secret };
  }

  async deleteSecret(environmentId: string, id: string): Promise<void> {
    const applicationId = await this.repo.deleteSecret(environmentId, id, (s) => secretEvent('deleted', { ...s, updatedAt: new Date() }, environmentId));
    if (!applicationId) throw new NotFoundError('a client secret', id);
    // This replica stops accepting the secret now; the others on the NOTIFY (ConnectClientCache).
    this.clients.forget(applicationId);
  }

  /** The application a client ID names in this environment. */
  findByClientId(environmentId: string, clientId: string): Promise<ConnectApplication | null> {
    return this.repo.findByClientId(environmentId, clientId);
  }

  /** For the authorization server: the client's application and whether it is confidential (has a secret); cached (ConnectClientCache). */
  async findClient(environmentId: string, clientId: string): Promise<{ app: ConnectApplication; hasSecrets: boolean } | null> {
    const found = await this.clients.get(environmentId, clientId);
    return found ? { app: found.app, hasSecrets: found.secrets.length > 0 } : null;
  }

  /**
   * True when `secret` is a live secret of the client's application (compared by hash). A hash
   * among the cached ones answers without a read; any other is checked against the database,
   * because the secret may be newer than this replica's cache.
   */
  async verifyClientSecret(environmentId: string, clientId: string, secret: string): Promise<boolean> {
    if (secret.length > 512) return false;
    const hash = sha256Hex(secret);
    const known = (await this.clients.get(environmentId, clientId))?.secrets.find((s) => s.hash === hash);
    if (known) {
      this.clients.recordUse(environmentId, known);
      return true;
    }
    const live = await this.repo.useSecret(environmentId, clientId, hash);
    if (live) this.clients.forgetClient(environmentId, clientId); // the next request reads the new secret's hash
    return live;
  }

  /**
   * RFC 7591 registration, after oidc-provider validated the metadata: a third-party OAuth
   * application of no organization, PKCE on. A secret the provider generated is stored hashed
   * (it is shown once, in the registration response).
   */
  async registerDynamic(environmentId: string, clientId: string, metadata: Record<string, unknown>): Promise<void> {
    const uris = Array.isArray(metadata.redirect_uris) ? (metadata.redirect_uris as string[]) : [];
    const name = typeof metadata.client_name === 'string' && metadata.client_name.trim() ? metadata.client_name.trim().slice(0, 256) : 'Dynamically registered client';
    const existing = await this.repo.findByClientId(environmentId, clientId);
    if (existing) return; // oidc-provider upserts once per registration; a management update is not offered
    const now = new Date();
    const app = await this.repo.create(
      environmentId,
      {
        id: newId('conn_app'),
        clientId,
        applicationType: 'oauth',
        name,
        description: null,
        scopes: [],
        redirectUris: normaliseRedirectUris(uris.map((uri) => ({ uri }))) as unknown as ConnectApplication['redirectUris'],
        usesPkce: true,
        isFirstParty: false,
        wasDynamicallyRegistered: true,
        organizationId: null,
        createdAt: now,
        updatedAt: now,
      },
      (a) => applicationEvent('created', a, environmentId),
    );
    if (typeof metadata.client_secret === 'string') {
      const secret = metadata.client_secret;
      await this.repo.createSecret(
        environmentId,
        { id: newId('secret'), applicationId: app.id, secretHash: sha256Hex(secret), secretHint: secret.slice(-4), lastUsedAt: null, createdAt: now, updatedAt: now },
        (s) => secretEvent('created', s, environmentId),
      );
    }
  }

  private async require(environmentId: string, idOrClientId: string): Promise<ConnectApplication> {
    const a = idOrClientId.length <= 64 ? await this.repo.find(environmentId, idOrClientId) : null;
    if (!a) throw new NotFoundError('a connect application', idOrClientId);
    return a;
  }
}
