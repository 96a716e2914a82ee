import { Injectable } from '@nestjs/common';
import { ConflictError, newId, NotFoundError, ValidationError } from '@wos/platform';
import { byPriority, reorder } from '../authz-core/role-order';
import { slugFromName } from '../authz-core/slugs';
import { DEFAULT_RESOURCE_TYPE, toRoleWire, type CreateRoleInput, type RoleWire, type StoredRole, type UpdateNamedInput } from './catalogue.dto';
import { roleEvent } from './catalogue.events';
import { KnownOrganizationsClient } from '../organizations/organizations.client';
import { RolesRepository, type PermissionChange } from './roles.repository';

/** The role an environment starts with, and identity's default membership role. */
export const DEFAULT_ROLE_SLUG = 'member';

/**
 * Environment roles (organizationId null) and organization roles. Invariant: every change writes
 * its `role.*` or `organization_role.*` event in its transaction; the organization's view of the
 * catalogue never has two roles with one slug.
 */
@Injectable()
export class RolesService {
  constructor(
    private readonly repo: RolesRepository,
    private readonly organizations: KnownOrganizationsClient,
  ) {}

  async create(environmentId: string, organizationId: string | null, input: CreateRoleInput): Promise<RoleWire> {
    if (organizationId !== null) await this.organizations.require(environmentId, organizationId);
    const now = new Date();
    const slug = input.slug ?? slugFromName(input.name);
    const role: StoredRole = {
      id: newId('role'),
      organizationId,
      slug,
      name: input.name,
      description: input.description ?? null,
      resourceTypeSlug: input.resource_type_slug ?? DEFAULT_RESOURCE_TYPE,
      isDefault: false,
      priority: 0, // set by the insert: last in its scope
      permissions: [],
      createdAt: now,
      updatedAt: now,
    };
    const created = await this.repo.create(environmentId, role, (r) => roleEvent('created', r, environmentId));
    if (created === 'duplicate') throw new ConflictError('role_slug_conflict', `A role with the slug ${slug} already exists.`);
    return toRoleWire(created);
  }

  /**
   * The organization's view of the catalogue, for claims. An environment without any role gets
   * WorkOS's default first: an environment role `member`, its default (with its role.created
   * event), so memberships created with the default slug are valid from the start.
   */
  async organizationCatalogue(environmentId: string, organizationId: string): Promise<StoredRole[]> {
    const roles = await this.repo.list(environmentId, organizationId);
    if (roles.some((r) => r.organizationId === null)) return roles;
    return (await this.ensureDefaultRole(environmentId)) ? this.repo.list(environmentId, organizationId) : roles;
  }

  /**
   * Seeds the environment's default role (`member`) when it has no environment role yet; the
   * created role, or null when there was one (or a concurrent request seeded it).
   */
  async ensureDefaultRole(environmentId: string): Promise<RoleWire | null> {
    if ((await this.repo.list(environmentId, null)).length) return null;
    return this.createIfAbsent(environmentId, null, DEFAULT_ROLE_SLUG, 'Member');
  }

  /** Creates the role unless its slug is taken in the view it would join (then null). */
  async createIfAbsent(environmentId: string, organizationId: string | null, slug: string, name: string): Promise<RoleWire | null> {
    return this.create(environmentId, organizationId, { slug, name }).catch((err: unknown) => {
      if (err instanceof ConflictError) return null;
      throw err;
    });
  }

  /** In priority order (authz-core/role-order). */
  async list(environmentId: string, organizationId: string | null): Promise<{ object: 'list'; data: RoleWire[] }> {
    return { object: 'list', data: byPriority(await this.repo.list(environmentId, organizationId)).map(toRoleWire) };
  }

  async get(environmentId: string, organizationId: string | null, slug: string): Promise<RoleWire> {
    return toRoleWire(await this.require(environmentId, organizationId, slug));
  }

  async update(environmentId: string, organizationId: string | null, slug: string, input: UpdateNamedInput): Promise<RoleWire> {
    const role = await this.require(environmentId, organizationId, slug, true);
    return toRoleWire(await this.repo.update(environmentId, role.id, input, (r) => roleEvent('updated', r, environmentId)));
  }

  async setPermissions(environmentId: string, organizationId: string | null, slug: string, permissions: string[]): Promise<RoleWire> {
    const role = await this.require(environmentId, organizationId, slug, true);
    return this.settle(await this.repo.addPermissions(environmentId, role.id, permissions, true, (r) => roleEvent('updated', r, environmentId)));
  }

  async addPermission(environmentId: string, organizationId: string | null, slug: string, permission: string): Promise<RoleWire> {
    const role = await this.require(environmentId, organizationId, slug, true);
    return this.settle(await this.repo.addPermissions(environmentId, role.id, [permission], false, (r) => roleEvent('updated', r, environmentId)));
  }

  async removePermission(environmentId: string, organizationId: string | null, slug: string, permission: string): Promise<void> {
    const role = await this.require(environmentId, organizationId, slug, true);
    const out = await this.repo.removePermission(environmentId, role.id, permission, (r) => roleEvent('updated', r, environmentId));
    if ('missing' in out) throw new NotFoundError(`a permission on the role ${slug}`, permission);
  }

  /** Refused with 409 while the role is assigned or held by a membership (see RolesRepository.delete). */
  async delete(environmentId: string, organizationId: string, slug: string): Promise<void> {
    const role = await this.require(environmentId, organizationId, slug, true);
    const out = await this.repo.delete(environmentId, role.id, (r) => roleEvent('deleted', r, environmentId));
    if (out === null) throw new NotFoundError('a role', slug);
    if (out === 'in_use') throw new ConflictError('role_in_use', `The role ${slug} is assigned to organization memberships; remove those assignments first.`);
  }

  /**
   * Reorders one scope: the environment's roles (organizationId null) or an organization's own
   * roles. `slugs` names each role of the scope once, highest priority first (422 otherwise).
   * Each role whose place changed gets its `role.updated` / `organization_role.updated` event,
   * which is also what makes identity drop cached token claims (their `role` follows priority).
   */
  async reorder(environmentId: string, organizationId: string | null, slugs: string[]): Promise<{ object: 'list'; data: RoleWire[] }> {
    const out = await this.repo.reorder(environmentId, organizationId, (scope) => reorder(scope, slugs), (r) => roleEvent('updated', r, environmentId));
    if (!Array.isArray(out)) {
      const what = { order_duplicate: 'is named more than once', order_unknown_role: 'is not a role of this scope', order_incomplete: 'is missing from the order' }[out.error];
      throw new ValidationError(out.slugs.map((s) => ({ field: 'role_slugs', code: out.error, message: `The role ${s} ${what}.` })));
    }
    return { object: 'list', data: byPriority(out).map(toRoleWire) };
  }

  /**
   * Ours (no SDK method): which environment role memberships get when none is named or the named
   * one is gone (sign-in grants, invitations). Until set, the environment's first role is.
   */
  async setDefault(environmentId: string, slug: string): Promise<RoleWire> {
    const role = await this.require(environmentId, null, slug);
    await this.repo.setDefault(environmentId, role.id, (r) => roleEvent('updated', r, environmentId));
    return this.get(environmentId, null, slug);
  }

  /** The role under `slug` in the organization's view (environment roles plus its own), or null. */
  find(environmentId: string, organizationId: string, slug: string): Promise<StoredRole | null> {
    return this.repo.find(environmentId, organizationId, slug);
  }

  /**
   * The role under `slug` in the organization's view. `ownOnly`: an organization route may read an
   * environment role but change only the organization's own roles.
   */
  private async require(environmentId: string, organizationId: string | null, slug: string, ownOnly = false): Promise<StoredRole> {
    const role = await this.repo.find(environmentId, organizationId, slug);
    if (!role || (ownOnly && role.organizationId !== organizationId)) throw new NotFoundError('a role', slug);
    return role;
  }

  private settle(out: StoredRole | PermissionChange): RoleWire {
    if ('unknown' in out) {
      throw new ValidationError(out.unknown.map((s) => ({ field: 'permissions', code: 'permission_not_found', message: `Permission ${s} does not exist.` })));
    }
    if ('missing' in out) throw new NotFoundError('a permission', '');
    return toRoleWire(out);
  }
}
