import { Injectable } from '@nestjs/common';
import type { PageRequest } from '@wos/platform';
import type { ResourceRef } from '../authz-core/resource-ref';
import { PrismaService } from '../infra/prisma.service';
import type { PermissionRow } from '../catalogue/catalogue.rows';
import { toStoredPermission } from '../catalogue/catalogue.rows';
import type { StoredPermission } from '../catalogue/catalogue.dto';
import { toProjectedMembership, type MembershipRow, type ProjectedMembership } from '../memberships/memberships.repository';
import type { StoredResource } from '../resources/resources.dto';
import { keysetTail, RESOURCE_COLUMNS, toStoredResource, type ResourceRow } from '../resources/resources.rows';
import { CHECK_BY_EXTERNAL_ID_SQL, CHECK_BY_ID_SQL, HELD_ROLES_SQL, ORGANIZATION_WIDE_SQL } from './access.sql';

export interface CheckOutcome {
  membershipFound: boolean;
  resourceFound: boolean;
  authorized: boolean;
}

/** The read side of authorization: checks and lookups. Every method takes the environment first. */
@Injectable()
export class AccessRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** One round trip: the membership, the resource in its organization and the grant together. */
  async check(environmentId: string, membershipId: string, permissionSlug: string, ref: ResourceRef): Promise<CheckOutcome> {
    // Named statements: each pooled connection parses and plans the check once.
    const { rows } = await this.prisma.pool.query<{ memberships: number; resources: number; authorized: boolean }>(
      'id' in ref
        ? { name: 'authz_check_by_id', text: CHECK_BY_ID_SQL, values: [environmentId, membershipId, permissionSlug, ref.id] }
        : { name: 'authz_check_by_external_id', text: CHECK_BY_EXTERNAL_ID_SQL, values: [environmentId, membershipId, permissionSlug, ref.typeSlug, ref.externalId] },
    );
    const r = rows[0]!;
    return { membershipFound: r.memberships > 0, resourceFound: r.resources > 0, authorized: r.authorized };
  }

  async effectivePermissions(environmentId: string, m: ProjectedMembership, resourceId: string, req: PageRequest): Promise<StoredPermission[]> {
    const values: unknown[] = [environmentId, m.id, m.organizationId, m.roleSlugs, resourceId];
    const tail = keysetTail(req, 'p.id', values);
    const { rows } = await this.prisma.pool.query<PermissionRow>(
      `SELECT p.* FROM authz_permissions p WHERE p.environment_id = $1
       AND p.id IN (SELECT rp.permission_id FROM authz_role_permissions rp WHERE rp.role_id IN (${HELD_ROLES_SQL}))${tail}`,
      values,
    );
    return rows.map(toStoredPermission);
  }

  async holdsOrganizationWide(environmentId: string, m: ProjectedMembership, permissionSlug: string): Promise<boolean> {
    const { rows } = await this.prisma.pool.query<{ granted: boolean }>(ORGANIZATION_WIDE_SQL, [environmentId, m.organizationId, permissionSlug, m.roleSlugs]);
    return rows[0]!.granted;
  }

  /**
   * The children of `parentId` (of the organization when null) on which the membership has the
   * permission. Keyset-paginated over every match: never truncated.
   */
  async resourcesFor(environmentId: string, m: ProjectedMembership, permissionSlug: string, organizationWide: boolean, parentId: string | null, req: PageRequest): Promise<StoredResource[]> {
    const values: unknown[] = [environmentId, m.id, permissionSlug, m.organizationId, organizationWide];
    // The organization is the implicit root: without a parent, its top-level resources.
    let where = 'r.environment_id = $1 AND r.organization_id = $4';
    if (parentId) {
      values.push(parentId);
      where += ` AND r.parent_id = $${values.length}`;
    } else {
      where += ' AND r.parent_id IS NULL';
    }
    const tail = keysetTail(req, 'r.id', values);
    const { rows } = await this.prisma.pool.query<ResourceRow>(
      `SELECT ${RESOURCE_COLUMNS} FROM authz_resources r WHERE ${where} AND ($5::boolean OR EXISTS (
         SELECT 1 FROM authz_resource_ancestors a JOIN authz_membership_grants ra ON ra.resource_id = a.ancestor_id
         JOIN authz_role_permissions rp ON rp.role_id = ra.role_id JOIN authz_permissions p ON p.id = rp.permission_id
         WHERE a.resource_id = r.id AND ra.organization_membership_id = $2 AND p.environment_id = $1 AND p.slug = $3))${tail}`,
      values,
    );
    return rows.map(toStoredResource);
  }

  /**
   * Active memberships of the resource's organization holding the permission on it, as WorkOS
   * defines `assignment`: `direct` (the default) through a role assigned on this very resource;
   * `indirect` every holder (direct, inherited from an ancestor, or an organization-wide role).
   */
  async membershipsFor(environmentId: string, resource: StoredResource, permissionSlug: string, assignment: 'direct' | 'indirect' | undefined, req: PageRequest): Promise<ProjectedMembership[]> {
    const values: unknown[] = [environmentId, resource.id, permissionSlug, resource.organizationId];
    const viaAssignment = (distance: string) => `EXISTS (SELECT 1 FROM authz_resource_ancestors a JOIN authz_membership_grants ra ON ra.resource_id = a.ancestor_id
      WHERE a.resource_id = $2 AND ${distance} AND ra.organization_membership_id = m.id AND ra.role_id IN (SELECT role_id FROM pr))`;
    const viaRole = `EXISTS (SELECT 1 FROM authz_roles r WHERE r.id IN (SELECT role_id FROM pr) AND r.environment_id = $1
      AND (r.organization_id IS NULL OR r.organization_id = m.organization_id) AND r.slug = ANY (m.role_slugs))`;
    const grant = assignment === 'indirect' ? `(${viaAssignment('true')} OR ${viaRole})` : viaAssignment('a.distance = 0');
    const tail = keysetTail(req, 'm.id', values);
    const { rows } = await this.prisma.pool.query<MembershipRow>(
      `WITH pr AS (SELECT rp.role_id FROM authz_permissions p JOIN authz_role_permissions rp ON rp.permission_id = p.id WHERE p.environment_id = $1 AND p.slug = $3)
       SELECT m.* FROM authz_memberships m WHERE m.environment_id = $1 AND m.organization_id = $4 AND m.status = 'active' AND ${grant}${tail}`,
      values,
    );
    return rows.map(toProjectedMembership);
  }
}
