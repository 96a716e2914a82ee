import { Inject, Injectable } from '@nestjs/common';
import { AuthorizationClient, appendToOutbox, claimInbox, newId, pgExecutor, pgTransaction, NotFoundError, OrganizationsClient, paginate, randomToken, sha256Hex, toListEnvelope, ValidationError } from '@wos/platform';
import { hasIdShape, type DirectoryWire, type ListEnvelope } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { directoryActivatedEvent, directoryDeletedEvent, tokenEvent } from '../shared/dsync.events';
import { DirectoriesRepository } from './directories.repository';
import { DirectoryDataRepository } from '../shared/directory-data.repository';
import { DirectoryRolesService } from '../shared/directory-roles.service';
import {
  toDeletedDirectoryEventWire,
  toDirectoryEventWire,
  toDirectoryWire,
  type CreateDirectoryInput,
  type DirectoryCredentialsWire,
  type DirectoryRow,
  type IssuedToken,
  type ListDirectoriesQuery,
  type ProvisioningInput,
  type RoleMappingsInput,
} from './directories.dto';

const provisioningWire = (directoryId: string, enabled: boolean, groups: boolean) => ({ object: 'directory_provisioning' as const, directory_id: directoryId, enabled, groups });

/**
 * Directory rules. Invariants: the SCIM bearer token exists in plaintext only in the response
 * that created it (the row keeps its SHA-256); every state change writes its dsync.* event to the
 * outbox in the same transaction.
 */
@Injectable()
export class DirectoriesService {
  private readonly scimCache = new Map<string, { row: DirectoryRow; until: number }>();

  constructor(
    private readonly repo: DirectoriesRepository,
    private readonly organizations: OrganizationsClient,
    private readonly data: DirectoryDataRepository,
    private readonly roles: DirectoryRolesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    /** Null where authorization is not deployed. */
    @Inject(AuthorizationClient) private readonly authorization: AuthorizationClient | null,
  ) {}

  scimBaseUrl(directoryId: string): string {
    return `${this.config.PUBLIC_BASE_URL}/scim/v2/${directoryId}`;
  }

  async list(environmentId: string, query: ListDirectoriesQuery): Promise<ListEnvelope<DirectoryWire>> {
    const page = await paginate(query, (req) => this.repo.list(environmentId, { organizationId: query.organization_id, search: query.search, domain: query.domain }, req));
    return toListEnvelope(page, toDirectoryWire);
  }

  async get(environmentId: string, id: string): Promise<DirectoryWire> {
    return toDirectoryWire(await this.mustFind(environmentId, id));
  }

  async create(environmentId: string, input: CreateDirectoryInput): Promise<DirectoryCredentialsWire> {
    if (!(await this.organizations.find(environmentId, input.organization_id))) {
      throw new ValidationError([{ field: 'organization_id', code: 'organization_not_found', message: `Could not find an organization with the id, ${input.organization_id}.` }]);
    }
    const now = new Date();
    const token = issueToken(now);
    const row: DirectoryRow = {
      id: newId('directory'),
      environment_id: environmentId,
      organization_id: input.organization_id,
      name: input.name,
      type: input.type,
      domain: input.domain ?? null,
      external_key: randomToken(12),
      state: 'unlinked',
      ...token.stored,
      role_mappings: [],
      user_provisioning: false,
      group_provisioning: false,
      created_at: now,
      updated_at: now,
    };
    await pgTransaction(this.repo.pool, async (client) => {
      await this.repo.insert(client, row);
      await appendToOutbox(pgExecutor(client), [tokenEvent('dsync.token.created', row, environmentId)]);
    });
    return { ...toDirectoryWire(row), base_url: this.scimBaseUrl(row.id), bearer_token: token.value };
  }

  /** A new token replaces the old one at once: the old one stops working with this commit. */
  async rotateToken(environmentId: string, id: string): Promise<DirectoryCredentialsWire> {
    if (!hasIdShape(id, 'directory')) throw new NotFoundError('a directory', id);
    const token = issueToken(new Date());
    const row = await pgTransaction(this.repo.pool, async (client) => {
      const current = await this.repo.lock(client, environmentId, id);
      if (!current) throw new NotFoundError('a directory', id);
      const updated = await this.repo.setToken(client, environmentId, id, token.stored);
      await appendToOutbox(pgExecutor(client), [tokenEvent('dsync.token.revoked', current, environmentId), tokenEvent('dsync.token.created', updated, environmentId)]);
      return updated;
    });
    this.forget(id);
    return { ...toDirectoryWire(row), base_url: this.scimBaseUrl(row.id), bearer_token: token.value };
  }

  async delete(environmentId: string, id: string): Promise<void> {
    if (!hasIdShape(id, 'directory')) throw new NotFoundError('a directory', id);
    await pgTransaction(this.repo.pool, async (client) => {
      const current = await this.repo.lock(client, environmentId, id);
      if (!current) throw new NotFoundError('a directory', id);
      await this.repo.delete(client, environmentId, id);
      await appendToOutbox(pgExecutor(client), [directoryDeletedEvent(toDeletedDirectoryEventWire({ ...current, updated_at: new Date() }), environmentId)]);
    });
    this.forget(id);
  }

  /**
   * organization.deleted: the organization's directories go too, each with its dsync.deleted,
   * exactly once per event (the inbox row commits with the deletion).
   */
  async deleteForDeletedOrganization(environmentId: string, organizationId: string, eventId: string): Promise<number> {
    return pgTransaction(this.repo.pool, async (client) => {
      if (!(await claimInbox(pgExecutor(client), 'directory-sync.organization-deleted', eventId))) return 0;
      const directories = await this.repo.lockByOrganization(client, environmentId, organizationId);
      for (const d of directories) {
        await this.repo.delete(client, environmentId, d.id);
        this.forget(d.id);
      }
      const now = new Date();
      await appendToOutbox(pgExecutor(client), directories.map((d) => directoryDeletedEvent(toDeletedDirectoryEventWire({ ...d, updated_at: now }), environmentId)));
      return directories.length;
    });
  }

  /**
   * The first authenticated SCIM request links the directory (unlinked → linked) and emits
   * dsync.activated, exactly once: the conditional update lets only one request win.
   */
  async activate(directory: DirectoryRow): Promise<void> {
    if (directory.state !== 'unlinked') return;
    const org = await this.organizations.find(directory.environment_id, directory.organization_id).catch(() => null);
    await pgTransaction(this.repo.pool, async (client) => {
      const updated = await this.repo.activate(client, directory.environment_id, directory.id, new Date());
      if (!updated) return;
      await appendToOutbox(pgExecutor(client), [directoryActivatedEvent(toDirectoryEventWire(updated, org?.domains ?? []), directory.environment_id)]);
    });
    directory.state = 'linked';
  }

  async getRoleMappings(environmentId: string, id: string) {
    const d = await this.mustFind(environmentId, id);
    return { object: 'directory_role_mappings' as const, directory_id: d.id, role_mappings: d.role_mappings };
  }

  /**
   * Replaces the group → role mappings and recomputes every user's roles in the same transaction
   * (one dsync.user.updated per user whose role changes). The directory row lock orders this
   * against other mapping changes.
   */
  async setRoleMappings(environmentId: string, id: string, input: RoleMappingsInput) {
    if (!hasIdShape(id, 'directory')) throw new NotFoundError('a directory', id);
    await this.checkRolesExist(environmentId, id, input.role_mappings.map((m) => m.role));
    return pgTransaction(this.repo.pool, async (client) => {
      const current = await this.repo.lock(client, environmentId, id);
      if (!current) throw new NotFoundError('a directory', id);
      const wanted = input.role_mappings.map((m) => m.directory_group_id);
      const found = new Set((await this.data.groupsByIds(client, environmentId, wanted)).filter((g) => g.directory_id === id).map((g) => g.id));
      const missing = wanted.filter((g) => !found.has(g));
      if (missing.length) {
        throw new ValidationError(missing.map((g) => ({ field: 'role_mappings', code: 'directory_group_not_found', message: `Could not find a group of this directory with the id, ${g}.` })));
      }
      await this.repo.setRoleMappings(client, environmentId, id, input.role_mappings, new Date());
      const users = await this.data.userIdsOfDirectory(client, environmentId, id);
      await appendToOutbox(pgExecutor(client), await this.roles.recompute(client, { environmentId, directoryId: id, mappings: input.role_mappings }, users));
      return { object: 'directory_role_mappings' as const, directory_id: id, role_mappings: input.role_mappings };
    }).finally(() => this.forget(id));
  }

  async getProvisioning(environmentId: string, id: string) {
    const d = await this.mustFind(environmentId, id);
    return provisioningWire(d.id, d.user_provisioning, d.group_provisioning);
  }

  /**
   * Turns AuthKit user provisioning (and group sync) on or off. Identity asks for these flags on
   * every dsync.user.* and dsync.group.* event it consumes, so they apply from the next event on;
   * users and groups synced before stay as they are until the IdP changes them.
   */
  async setProvisioning(environmentId: string, id: string, input: ProvisioningInput) {
    const groups = input.groups ?? false;
    if (!hasIdShape(id, 'directory') || !(await this.repo.setProvisioning(environmentId, id, input.enabled, groups, new Date()))) throw new NotFoundError('a directory', id);
    return provisioningWire(id, input.enabled, groups);
  }

  /** For identity (internal): where the directory's users belong and whether to provision them. */
  async provisioningFor(environmentId: string, id: string) {
    const d = await this.mustFind(environmentId, id);
    return { directory_id: d.id, organization_id: d.organization_id, user_provisioning: d.user_provisioning, group_provisioning: d.group_provisioning };
  }

  /** Where authorization runs, mappings name roles its catalogue has for the directory's organization. */
  private async checkRolesExist(environmentId: string, id: string, slugs: string[]): Promise<void> {
    if (!this.authorization || !slugs.length) return;
    const d = await this.mustFind(environmentId, id);
    const { unknown_role_slugs } = await this.authorization.roleClaims(environmentId, d.organization_id, [...new Set(slugs)]);
    if (unknown_role_slugs.length) {
      throw new ValidationError(unknown_role_slugs.map((slug) => ({ field: 'role_mappings', code: 'role_not_found', message: `The role ${slug} does not exist in this organization.` })));
    }
  }

  /**
   * SCIM: the directory a request names, or null; the caller authenticates its token. `fresh`
   * skips the cache (a token that does not match a cached row may belong to a rotation another
   * replica made).
   */
  async findForScim(id: string, fresh = false): Promise<DirectoryRow | null> {
    if (!hasIdShape(id, 'directory')) return null;
    const hit = this.scimCache.get(id);
    if (!fresh && hit && hit.until > Date.now()) return hit.row;
    const row = await this.repo.findForScim(id);
    if (this.config.SCIM_AUTH_CACHE_MS > 0) {
      if (this.scimCache.size >= 10_000) this.scimCache.delete(this.scimCache.keys().next().value!);
      if (row) this.scimCache.set(id, { row, until: Date.now() + this.config.SCIM_AUTH_CACHE_MS });
      else this.scimCache.delete(id);
    }
    return row;
  }

  /** Every change to a directory row drops this replica's cached copy in the same call. */
  private forget(id: string): void {
    this.scimCache.delete(id);
  }

  private async mustFind(environmentId: string, id: string): Promise<DirectoryRow> {
    const d = hasIdShape(id, 'directory') ? await this.repo.findById(environmentId, id) : null;
    if (!d) throw new NotFoundError('a directory', id);
    return d;
  }
}

/** A new SCIM bearer token: its value, for the one response that shows it, and what the row keeps. */
function issueToken(now: Date): { value: string; stored: IssuedToken } {
  const value = randomToken(32);
  return { value, stored: { token_hash: sha256Hex(value), token_created_at: now, token_id: newId('directory_token'), token_suffix: value.slice(-4) } };
}
