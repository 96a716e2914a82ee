import { Injectable } from '@nestjs/common';
import { isUniqueViolation, pgTransaction, type PageRequest } from '@wos/platform';
import type { ResourceRef } from '../authz-core/resource-ref';
import { PrismaService } from '../infra/prisma.service';
import { MAX_RESOURCE_DEPTH, type StoredResource } from './resources.dto';
import { keysetTail, RESOURCE_COLUMNS, toStoredResource, type ResourceRow } from './resources.rows';

export interface ResourceFilter {
  organizationId?: string;
  typeSlug?: string;
  parentId?: string;
}
export type ResourceCreation = StoredResource | 'duplicate' | 'parent_missing' | 'too_deep';
export type ResourceDeletion = 'deleted' | 'missing' | 'has_dependents';

/**
 * The only SQL caller for resources and their closure table. Every method takes the environment
 * first. Invariant: a resource's closure rows (itself at distance 0, then each ancestor) are
 * written in its insert's transaction and never change, because parents never change.
 */
@Injectable()
export class ResourcesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** By ID, or by (organization, type, external ID). `organizationId` also scopes ID lookups when given. */
  async find(environmentId: string, ref: ResourceRef, organizationId?: string): Promise<StoredResource | null> {
    const values: unknown[] = [environmentId];
    let where: string;
    if ('id' in ref) {
      values.push(ref.id);
      where = 'r.id = $2';
      if (organizationId !== undefined) {
        values.push(organizationId);
        where += ' AND r.organization_id = $3';
      }
    } else {
      values.push(organizationId, ref.typeSlug, ref.externalId);
      where = 'r.organization_id = $2 AND r.resource_type_slug = $3 AND r.external_id = $4';
    }
    const { rows } = await this.prisma.pool.query<ResourceRow>(`SELECT ${RESOURCE_COLUMNS} FROM authz_resources r WHERE r.environment_id = $1 AND ${where}`, values);
    return rows[0] ? toStoredResource(rows[0]) : null;
  }

  async create(environmentId: string, r: StoredResource): Promise<ResourceCreation> {
    try {
      return await pgTransaction(this.prisma.pool, async (client) => {
        if (r.parentId) {
          const parent = await client.query<{ depth: number }>(
            `SELECT (SELECT count(*)::int FROM authz_resource_ancestors a WHERE a.resource_id = p.id) AS depth
             FROM authz_resources p WHERE p.environment_id = $1 AND p.organization_id = $2 AND p.id = $3 FOR SHARE`,
            [environmentId, r.organizationId, r.parentId],
          );
          if (!parent.rows[0]) return 'parent_missing' as const;
          if (parent.rows[0].depth >= MAX_RESOURCE_DEPTH) return 'too_deep' as const;
        }
        await client.query(
          `INSERT INTO authz_resources (id, environment_id, organization_id, resource_type_slug, external_id, name, description, parent_id, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
          [r.id, environmentId, r.organizationId, r.resourceTypeSlug, r.externalId, r.name, r.description, r.parentId, r.createdAt],
        );
        await client.query(
          `INSERT INTO authz_resource_ancestors (resource_id, ancestor_id, distance)
           SELECT $1, $1, 0 UNION ALL SELECT $1, a.ancestor_id, a.distance + 1 FROM authz_resource_ancestors a WHERE a.resource_id = $2`,
          [r.id, r.parentId],
        );
        return r;
      });
    } catch (err) {
      if (isUniqueViolation(err)) return 'duplicate';
      throw err;
    }
  }

  async update(environmentId: string, id: string, patch: { name?: string; description?: string | null }): Promise<StoredResource | null> {
    const { rows } = await this.prisma.pool.query<ResourceRow>(
      `UPDATE authz_resources r SET name = COALESCE($3, name), description = CASE WHEN $4::boolean THEN $5 ELSE description END, updated_at = now()
       WHERE r.environment_id = $1 AND r.id = $2 RETURNING ${RESOURCE_COLUMNS}`,
      [environmentId, id, patch.name ?? null, patch.description !== undefined, patch.description ?? null],
    );
    return rows[0] ? toStoredResource(rows[0]) : null;
  }

  /**
   * Without `cascade`, a resource with children or role assignments is kept (`has_dependents`).
   * With it, the resource, every descendant and all their assignments go in one statement
   * (foreign keys cascade down the tree).
   */
  async delete(environmentId: string, id: string, cascade: boolean): Promise<ResourceDeletion> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const found = await client.query('SELECT 1 FROM authz_resources WHERE environment_id = $1 AND id = $2 FOR UPDATE', [environmentId, id]);
      if (!found.rowCount) return 'missing' as const;
      if (!cascade) {
        const deps = await client.query(
          `SELECT 1 FROM authz_resources WHERE parent_id = $1 UNION ALL SELECT 1 FROM authz_role_assignments WHERE resource_id = $1
           UNION ALL SELECT 1 FROM authz_group_role_assignments WHERE resource_id = $1 LIMIT 1`,
          [id],
        );
        if (deps.rowCount) return 'has_dependents' as const;
      }
      await client.query('DELETE FROM authz_resources WHERE environment_id = $1 AND id = $2', [environmentId, id]);
      return 'deleted' as const;
    });
  }

  async page(environmentId: string, filter: ResourceFilter, req: PageRequest): Promise<StoredResource[]> {
    const values: unknown[] = [environmentId];
    let where = 'r.environment_id = $1';
    for (const [column, value] of [['organization_id', filter.organizationId], ['resource_type_slug', filter.typeSlug], ['parent_id', filter.parentId]] as const) {
      if (value === undefined) continue;
      values.push(value);
      where += ` AND r.${column} = $${values.length}`;
    }
    const tail = keysetTail(req, 'r.id', values);
    const { rows } = await this.prisma.pool.query<ResourceRow>(`SELECT ${RESOURCE_COLUMNS} FROM authz_resources r WHERE ${where}${tail}`, values);
    return rows.map(toStoredResource);
  }
}
