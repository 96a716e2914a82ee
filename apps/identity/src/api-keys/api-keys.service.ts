import { Injectable, type OnModuleInit } from '@nestjs/common';
import { hasIdShape, type ApiKeyWire, type CreatedApiKeyWire, type ListEnvelope } from '@wos/contracts';
import { newId, NotFoundError, paginate, SecretBox, toListEnvelope, ValidationError, type PaginationQuery } from '@wos/platform';
import type { ApiKey } from '../generated/prisma/client';
import { OrganizationsClient } from '../memberships/organizations.client';
import { MembershipsService, membershipRequired } from '../memberships/memberships.service';
import { UsersService } from '../users/users.service';
import { ApiKeysRepository } from './api-keys.repository';
import { apiKeyEvent } from './api-keys.events';
import { ApiKeyValidationService, API_KEY_HASH_PURPOSE } from './api-key-validation.service';
import { PermissionsClient } from './permissions.client';
import {
  newApiKeyValue,
  obfuscate,
  toApiKeyWire,
  type CreateOrganizationApiKeyInput,
  type CreateUserApiKeyInput,
  type ExpireApiKeyInput,
  type ListUserApiKeysQuery,
} from './api-keys.dto';

/**
 * API keys of organizations and of users within an organization (WORKOS_API.md §21). Invariants:
 * the value exists only in the create response (the row keeps its keyed fingerprint); every key
 * names an organization that exists, and a user key a user who is an active member of it, both
 * checked before the write; every permission is one authorization's catalogue holds (422 otherwise).
 */
@Injectable()
export class ApiKeysService implements OnModuleInit {
  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly validation: ApiKeyValidationService,
    private readonly organizations: OrganizationsClient,
    private readonly memberships: MembershipsService,
    private readonly users: UsersService,
    private readonly permissions: PermissionsClient,
    private readonly box: SecretBox,
  ) {}

  /**
   * Keys never outlive what they were issued under: a deleted organization takes its keys, a
   * deleted or deactivated membership its user's keys in that organization, a deleted user all
   * of its keys; each revoked in that change's transaction (api_key.revoked + NOTIFY). A
   * reactivated membership does not bring keys back.
   */
  onModuleInit(): void {
    const revoked = (environmentId: string) => (k: ApiKey) => apiKeyEvent('api_key.revoked', toApiKeyWire(k), environmentId);
    // This replica drops the keys at once (as delete does); a validation that re-caches one before
    // the commit is evicted again by the transaction's NOTIFY.
    const forget = (keys: ApiKey[]) => keys.forEach((k) => this.validation.forget(k.valueHash));
    this.memberships.onAccessEnded(async (tx, environmentId, organizationId, userId) => {
      forget(await this.repo.revokeAllOf(tx, environmentId, { organizationId, userId }, revoked(environmentId)));
    });
    this.users.onDeleted(async (tx, environmentId, userId) => {
      forget(await this.repo.revokeAllOf(tx, environmentId, { organizationId: null, userId }, revoked(environmentId)));
    });
  }

  async createForOrganization(environmentId: string, organizationId: string, input: CreateOrganizationApiKeyInput): Promise<CreatedApiKeyWire> {
    const org = hasIdShape(organizationId, 'org') ? await this.organizations.find(environmentId, organizationId) : null;
    if (!org) throw new NotFoundError('an organization', organizationId);
    const expiresAt = futureOrRefuse(input.expires_at);
    return this.create(environmentId, { ownerType: 'organization', organizationId: org.id, userId: null, name: input.name, permissions: input.permissions ?? [], expiresAt });
  }

  async createForUser(environmentId: string, userId: string, input: CreateUserApiKeyInput): Promise<CreatedApiKeyWire> {
    const user = await this.users.mustFind(environmentId, userId);
    const expiresAt = futureOrRefuse(input.expires_at);
    const membership = await this.memberships.activeFor(environmentId, user.id, input.organization_id);
    if (!membership) throw membershipRequired();
    return this.create(environmentId, { ownerType: 'user', organizationId: membership.organizationId, userId: user.id, name: input.name, permissions: input.permissions ?? [], expiresAt });
  }

  async listForOrganization(environmentId: string, organizationId: string, query: PaginationQuery): Promise<ListEnvelope<ApiKeyWire>> {
    const org = hasIdShape(organizationId, 'org') ? await this.organizations.find(environmentId, organizationId) : null;
    if (!org) throw new NotFoundError('an organization', organizationId);
    const page = await paginate(query, (req) => this.repo.list(environmentId, { organizationId: org.id, ownerType: 'organization' }, req));
    return toListEnvelope(page, toApiKeyWire);
  }

  async listForUser(environmentId: string, userId: string, query: ListUserApiKeysQuery): Promise<ListEnvelope<ApiKeyWire>> {
    const user = await this.users.mustFind(environmentId, userId);
    const page = await paginate(query, (req) => this.repo.list(environmentId, { userId: user.id, organizationId: query.organization_id }, req));
    return toListEnvelope(page, toApiKeyWire);
  }

  async get(environmentId: string, id: string): Promise<ApiKeyWire> {
    const key = hasIdShape(id, 'api_key') ? await this.repo.find(environmentId, id) : null;
    if (!key) throw new NotFoundError('an API key', id);
    return toApiKeyWire(key);
  }

  /** `DELETE /api_keys/:id`: the key stops validating on every replica (see ApiKeyValidationService). */
  async delete(environmentId: string, id: string): Promise<void> {
    await this.revoke(environmentId, id, { delete: true }, 'api_key.revoked');
  }

  /**
   * `POST /api_keys/:id/expire` (WorkOS's OpenAPI spec; the Java SDK's `createExpire`): the key
   * is kept with `expires_at` now (`api_key.revoked`) or at a later time (`api_key.updated`).
   */
  async expire(environmentId: string, id: string, input: ExpireApiKeyInput): Promise<ApiKeyWire> {
    const now = new Date();
    const at = input.expires_at ? new Date(input.expires_at) : now;
    const expiresAt = at.getTime() < now.getTime() ? now : at;
    return toApiKeyWire(await this.revoke(environmentId, id, { expiresAt }, expiresAt.getTime() > now.getTime() ? 'api_key.updated' : 'api_key.revoked'));
  }

  private async revoke(environmentId: string, id: string, change: { delete: true } | { expiresAt: Date }, type: 'api_key.revoked' | 'api_key.updated') {
    const key = hasIdShape(id, 'api_key')
      ? await this.repo.revoke(environmentId, id, change, (k) => apiKeyEvent(type, toApiKeyWire(k), environmentId))
      : null;
    if (!key) throw new NotFoundError('an API key', id);
    this.validation.forget(key.valueHash);
    return key;
  }

  private async create(
    environmentId: string,
    k: { ownerType: 'organization' | 'user'; organizationId: string; userId: string | null; name: string; permissions: string[]; expiresAt: Date | null },
  ): Promise<CreatedApiKeyWire> {
    const permissions = [...new Set(k.permissions)];
    const unknown = await this.permissions.unknownSlugs(environmentId, permissions);
    if (unknown.length) {
      throw new ValidationError(unknown.map((slug) => ({ field: 'permissions', code: 'permission_not_found', message: `The permission ${slug} does not exist.` })));
    }
    const value = newApiKeyValue();
    const now = new Date();
    const row = await this.repo.create(
      environmentId,
      {
        id: newId('api_key'),
        ownerType: k.ownerType,
        organizationId: k.organizationId,
        userId: k.userId,
        name: k.name,
        valueHash: this.box.fingerprint(value, API_KEY_HASH_PURPOSE),
        obfuscatedValue: obfuscate(value),
        permissions,
        expiresAt: k.expiresAt,
        createdAt: now,
        updatedAt: now,
      },
      (created) => apiKeyEvent('api_key.created', toApiKeyWire(created), environmentId),
    );
    // Only a user key can be refused here: its membership ended after the check above.
    if (!row) throw membershipRequired();
    return { ...toApiKeyWire(row), value };
  }
}

function futureOrRefuse(value: string | undefined): Date | null {
  if (value === undefined) return null;
  const at = new Date(value);
  if (at.getTime() <= Date.now()) throw new ValidationError([{ field: 'expires_at', code: 'expires_at_in_past', message: 'expires_at must be in the future.' }]);
  return at;
}
