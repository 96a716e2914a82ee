import { Injectable } from '@nestjs/common';
import type { PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import { keysetTail } from '../resources/resources.rows';
import type { StoredAssignment } from './assignments.dto';

interface AssignmentRow {
  id: string;
  source: 'direct' | 'group';
  group_role_assignment_id: string | null;
  organization_membership_id: string;
  role_slug: string;
  resource_id: string;
  external_id: string;
  resource_type_slug: string;
  created_at: Date;
  updated_at: Date;
}

/* Lists read the grants view, so a group's assignment shows once per member with source `group`. */
const SELECT_ASSIGNMENT = `SELECT ra.id, ra.source, ra.group_role_assignment_id, ra.organization_membership_id, ro.slug AS role_slug, ra.resource_id, r.external_id, r.resource_type_slug, ra.created_at, ra.updated_at
  FROM authz_membership_grants ra JOIN authz_roles ro ON ro.id = ra.role_id JOIN authz_resources r ON r.id = ra.resource_id`;

const toStored = (r: AssignmentRow): StoredAssignment => ({
  id: r.id,
  source: r.source,
  groupRoleAssignmentId: r.group_role_assignment_id,
  membershipId: r.organization_membership_id,
  roleSlug: r.role_slug,
  resourceId: r.resource_id,
  resourceExternalId: r.external_id,
  resourceTypeSlug: r.resource_type_slug,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface AssignmentFilter {
  membershipId?: string;
  resourceId?: string;
  roleSlug?: string;
}

/** The only SQL caller for role assignments. Every method takes the environment first. */
@Injectable()
export class AssignmentsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Assigning a role twice is idempotent: the existing assignment is returned. */
  async create(environmentId: string, a: { id: string; membershipId: string; roleId: string; resourceId: string }): Promise<StoredAssignment> {
    await this.prisma.pool.query(
      `INSERT INTO authz_role_assignments (id, environment_id, organization_membership_id, role_id, resource_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (organization_membership_id, resource_id, role_id) DO NOTHING`,
      [a.id, environmentId, a.membershipId, a.roleId, a.resourceId],
    );
    const { rows } = await this.prisma.pool.query<AssignmentRow>(
      `${SELECT_ASSIGNMENT} WHERE ra.source = 'direct' AND ra.organization_membership_id = $2 AND ra.resource_id = $3 AND ra.role_id = $4 AND r.environment_id = $1`,
      [environmentId, a.membershipId, a.resourceId, a.roleId],
    );
    return toStored(rows[0]!);
  }

  /** Removes the membership's assignment of the role on the resource; false when there was none. */
  async deleteMatching(environmentId: string, membershipId: string, roleId: string, resourceId: string): Promise<boolean> {
    const { rowCount } = await this.prisma.pool.query(
      'DELETE FROM authz_role_assignments WHERE environment_id = $1 AND organization_membership_id = $2 AND role_id = $3 AND resource_id = $4',
      [environmentId, membershipId, roleId, resourceId],
    );
    return (rowCount ?? 0) > 0;
  }

  async deleteById(environmentId: string, membershipId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.prisma.pool.query('DELETE FROM authz_role_assignments WHERE environment_id = $1 AND organization_membership_id = $2 AND id = $3', [
      environmentId,
      membershipId,
      id,
    ]);
    return (rowCount ?? 0) > 0;
  }

  async page(environmentId: string, filter: AssignmentFilter, req: PageRequest): Promise<StoredAssignment[]> {
    const values: unknown[] = [environmentId];
    // The view has no environment column: the resource's environment scopes every row.
    let where = 'r.environment_id = $1';
    for (const [column, value] of [['ra.organization_membership_id', filter.membershipId], ['ra.resource_id', filter.resourceId], ['ro.slug', filter.roleSlug]] as const) {
      if (value === undefined) continue;
      values.push(value);
      where += ` AND ${column} = $${values.length}`;
    }
    const tail = keysetTail(req, 'ra.id', values);
    const { rows } = await this.prisma.pool.query<AssignmentRow>(`${SELECT_ASSIGNMENT} WHERE ${where}${tail}`, values);
    return rows.map(toStored);
  }
}
