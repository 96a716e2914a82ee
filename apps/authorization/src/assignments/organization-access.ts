import type { ResourceRef } from '../authz-core/resource-ref';
import { MAX_RESOURCE_DEPTH } from '../resources/resources.dto';

/** One organization's rows as the index loads them (access-index.sql.ts), positional to stay small. */
export interface OrganizationAccessRows {
  /** [id, parent_id, resource_type_slug, external_id] */
  resources: [string, string | null, string, string][];
  /** [id, status, role_slugs] */
  memberships: [string, string, string[]][];
  /** [organization_membership_id, role_id, resource_id]: direct and group grants (authz_membership_grants). */
  grants: [string, string, string][];
  /**
   * [id, slug, permission slugs, eligible]: the environment's roles, the organization's, and any
   * other a grant names; `eligible` = may be held organization-wide here (environment or own role).
   */
  roles: [string, string, string[], boolean][];
}

interface Member {
  active: boolean;
  roleSlugs: string[];
}

/**
 * One organization's grants in memory, answering `check` exactly as CHECK_BY_ID_SQL and
 * CHECK_BY_EXTERNAL_ID_SQL do (access.sql.ts; organization-access.spec.ts compares the two):
 * an active membership holds a permission on a resource when a role holding it is granted on the
 * resource or an ancestor (directly or through a group), or is one of the membership's
 * organization-wide role slugs. The ancestors are the parent chain, which the closure table
 * mirrors (a resource's parent never changes).
 */
export class OrganizationAccess {
  private readonly parents = new Map<string, string | null>();
  private readonly byExternalId = new Map<string, string>();
  private readonly members = new Map<string, Member>();
  /* membership -> resource -> role IDs granted on it */
  private readonly grants = new Map<string, Map<string, string[]>>();
  /* permission slug -> IDs of the roles holding it */
  private readonly permissionRoles = new Map<string, Set<string>>();
  /* role slug -> IDs of the roles with that slug that may be held organization-wide */
  private readonly organizationWideRoles = new Map<string, string[]>();
  /** Rows held, for the index's memory budget. */
  readonly rows: number;

  constructor(data: OrganizationAccessRows) {
    // Memory: one string per ID, one Member per distinct (status, role slugs), one array per
    // distinct set of roles granted on a resource. JSON.parse gives every occurrence its own copy,
    // which the maps below would otherwise keep (half the heap of an organization's index).
    const ids = new Map<string, string>();
    const one = (s: string): string => {
      const known = ids.get(s);
      if (known !== undefined) return known;
      ids.set(s, s);
      return s;
    };
    const members = new Map<string, Member>();
    for (const [id, parentId, typeSlug, externalId] of data.resources) {
      this.parents.set(one(id), parentId === null ? null : one(parentId));
      this.byExternalId.set(externalKey(typeSlug, externalId), one(id));
    }
    for (const [id, status, roleSlugs] of data.memberships) {
      const shape = `${status}\u0000${roleSlugs.join('\u0000')}`;
      let member = members.get(shape);
      if (!member) members.set(shape, (member = { active: status === 'active', roleSlugs }));
      this.members.set(one(id), member);
    }
    for (const [membershipId, roleId, resourceId] of data.grants) {
      let byResource = this.grants.get(membershipId);
      if (!byResource) this.grants.set(one(membershipId), (byResource = new Map()));
      const roles = byResource.get(resourceId);
      if (roles) roles.push(one(roleId));
      else byResource.set(one(resourceId), [one(roleId)]);
    }
    const roleSets = new Map<string, string[]>();
    for (const byResource of this.grants.values()) {
      for (const [resourceId, roles] of byResource) {
        const shape = roles.join(' ');
        const shared = roleSets.get(shape);
        if (shared) byResource.set(resourceId, shared);
        else roleSets.set(shape, roles);
      }
    }
    for (const [id, slug, permissionSlugs, eligible] of data.roles) {
      const roleId = one(id);
      for (const permission of permissionSlugs) {
        let roles = this.permissionRoles.get(permission);
        if (!roles) this.permissionRoles.set(permission, (roles = new Set()));
        roles.add(roleId);
      }
      if (eligible) {
        const ids = this.organizationWideRoles.get(slug);
        if (ids) ids.push(roleId);
        else this.organizationWideRoles.set(slug, [roleId]);
      }
    }
    this.rows = data.resources.length + data.memberships.length + data.grants.length + data.roles.length;
  }

  hasMember(membershipId: string): boolean {
    return this.members.has(membershipId);
  }

  /** The memberships' IDs, so that the index can find this organization from them. */
  membershipIds(): IterableIterator<string> {
    return this.members.keys();
  }

  /**
   * Whether the membership holds the permission on the resource; undefined when either is not in
   * this organization (the caller asks the database, which tells which one is missing).
   */
  check(membershipId: string, permissionSlug: string, ref: ResourceRef): boolean | undefined {
    const member = this.members.get(membershipId);
    if (!member) return undefined;
    const resourceId = 'id' in ref ? (this.parents.has(ref.id) ? ref.id : undefined) : this.byExternalId.get(externalKey(ref.typeSlug, ref.externalId));
    if (resourceId === undefined) return undefined;
    if (!member.active) return false;
    const holders = this.permissionRoles.get(permissionSlug);
    if (!holders) return false;
    for (const slug of member.roleSlugs) {
      for (const roleId of this.organizationWideRoles.get(slug) ?? []) if (holders.has(roleId)) return true;
    }
    const granted = this.grants.get(membershipId);
    if (!granted) return false;
    // The resource and its ancestors; the bound only guards against a cycle no write can make.
    let current: string | null | undefined = resourceId;
    for (let depth = 0; current != null && depth < MAX_RESOURCE_DEPTH; depth++) {
      for (const roleId of granted.get(current) ?? []) if (holders.has(roleId)) return true;
      current = this.parents.get(current);
    }
    return false;
  }
}

const externalKey = (typeSlug: string, externalId: string) => `${typeSlug}\u0000${externalId}`;
