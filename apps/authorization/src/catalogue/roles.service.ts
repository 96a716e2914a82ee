import { Injectable } from '@nestjs/common';
import { ConflictError, newId, NotFoundError, ValidationError } from '@wos/platform';
import { byPriority } from '../authz-core/role-order';
import { slugFromName } from '../authz-core/slugs';
import { DEFAULT_RESOURCE_TYPE, toRoleWire, type CreateRoleInput, type RoleWire, type StoredRole, type UpdateNamedInput } from './catalogue.dto';
import { roleEvent } from './catalogue.events';
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
  constructor(private readonly repo: RolesRepository) {}

  async create(environmentId: string, organizationId: string | null, input: CreateRoleInput): Promise<RoleWire> {
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
    let roles = await this.repo.list(environmentId, organizationId);
    if (!roles.some((r) => r.organizationId === null)) {
      const created = await this.create(environmentId, null, { slug: DEFAULT_ROLE_SLUG, name: 'Member' }).catch((err: unknown) => {
        if (err instanceof ConflictError) return null; // another request seeded it first
        throw err;
      });
      if (created) roles = await this.repo.list(environmentId, organizationId);
    }
    return roles;
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
