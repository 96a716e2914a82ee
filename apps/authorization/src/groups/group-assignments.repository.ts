import { Injectable } from '@nestjs/common';
import { pgTransaction, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import { keysetTail } from '../resources/resources.rows';
import type { StoredGroupAssignment } from './groups.dto';

interface GroupAssignmentRow {
  id: string;
  group_id: string;
  role_slug: string;
  resource_id: string;
  external_id: string;
  resource_type_slug: string;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `SELECT gra.id, gra.group_id, ro.slug AS role_slug, gra.resource_id, r.external_id, r.resource_type_slug, gra.created_at, gra.updated_at
  FROM authz_group_role_assignments gra JOIN authz_roles ro ON ro.id = gra.role_id JOIN authz_resources r ON r.id = gra.resource_id`;

const toStored = (r: GroupAssignmentRow): StoredGroupAssignment => ({
  id: r.id,
  groupId: r.group_id,
  roleSlug: r.role_slug,
  resourceId: r.resource_id,
  resourceExternalId: r.external_id,
  resourceTypeSlug: r.resource_type_slug,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface NewGroupAssignment {
  id: string;
  roleId: string;
  resourceId: string;
}

/** The only SQL caller for group role assignments. Every method takes the environment first. */
@Injectable()
export class GroupAssignmentsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Idempotent: assigning the same role on the same resource again returns the existing assignment. */
  async create(environmentId: string, groupId: string, a: NewGroupAssignment): Promise<StoredGroupAssignment> {
    await this.prisma.pool.query(
      `INSERT INTO authz_group_role_assignments (id, environment_id, group_id, role_id, resource_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (group_id, resource_id, role_id) DO NOTHING`,
      [a.id, environmentId, groupId, a.roleId, a.resourceId],
    );
    const { rows } = await this.prisma.pool.query<GroupAssignmentRow>(
      `${SELECT} WHERE gra.environment_id = $1 AND gra.group_id = $2 AND gra.resource_id = $3 AND gra.role_id = $4`,
      [environmentId, groupId, a.resourceId, a.roleId],
    );
    return toStored(rows[0]!);
  }

  /** Replaces every assignment of the group in one transaction. */
  async replace(environmentId: string, groupId: string, assignments: NewGroupAssignment[]): Promise<StoredGroupAssignment[]> {
    await pgTransaction(this.prisma.pool, async (client) => {
      await client.query('DELETE FROM authz_group_role_assignments WHERE environment_id = $1 AND group_id = $2', [environmentId, groupId]);
      for (const a of assignments) {
        await client.query(
          `INSERT INTO authz_group_role_assignments (id, environment_id, group_id, role_id, resource_id) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (group_id, resource_id, role_id) DO NOTHING`,
          [a.id, environmentId, groupId, a.roleId, a.resourceId],
        );
      }
    });
    const { rows } = await this.prisma.pool.query<GroupAssignmentRow>(`${SELECT} WHERE gra.environment_id = $1 AND gra.group_id = $2 ORDER BY gra.id`, [environmentId, groupId]);
    return rows.map(toStored);
  }

  async find(environmentId: string, groupId: string, id: string): Promise<StoredGroupAssignment | null> {
    const { rows } = await this.prisma.pool.query<GroupAssignmentRow>(`${SELECT} WHERE gra.environment_id = $1 AND gra.group_id = $2 AND gra.id = $3`, [environmentId, groupId, id]);
    return rows[0] ? toStored(rows[0]) : null;
  }

  async deleteById(environmentId: string, groupId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.prisma.pool.query('DELETE FROM authz_group_role_assignments WHERE environment_id = $1 AND group_id = $2 AND id = $3', [environmentId, groupId, id]);
    return (rowCount ?? 0) > 0;
  }

  async deleteMatching(environmentId: string, groupId: string, roleId: string, resourceId: string): Promise<boolean> {
    const { rowCount } = await this.prisma.pool.query(
      'DELETE FROM authz_group_role_assignments WHERE environment_id = $1 AND group_id = $2 AND role_id = $3 AND resource_id = $4',
      [environmentId, groupId, roleId, resourceId],
    );
    return (rowCount ?? 0) > 0;
  }

  async page(environmentId: string, groupId: string, req: PageRequest): Promise<StoredGroupAssignment[]> {
    const values: unknown[] = [environmentId, groupId];
    const tail = keysetTail(req, 'gra.id', values);
    const { rows } = await this.prisma.pool.query<GroupAssignmentRow>(`${SELECT} WHERE gra.environment_id = $1 AND gra.group_id = $2${tail}`, values);
    return rows.map(toStored);
  }
}
