import { Injectable } from '@nestjs/common';
import { appendToOutbox, isUniqueViolation, pgExecutor, pgTransaction, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { StoredPermission, StoredRole } from './catalogue.dto';
import { SELECT_ROLE, toStoredPermission, toStoredRole, type PermissionRow, type RoleRow } from './catalogue.rows';

/** The only SQL caller for permissions. Every method takes the environment first. */
@Injectable()
export class PermissionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The permission and its event commit together; a taken slug is `duplicate`. */
  async create(environmentId: string, p: StoredPermission, event: OutboxMessage): Promise<'duplicate' | 'ok'> {
    try {
      await pgTransaction(this.prisma.pool, async (client) => {
        await client.query(
          `INSERT INTO authz_permissions (id, environment_id, slug, name, description, resource_type_slug, system, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
          [p.id, environmentId, p.slug, p.name, p.description, p.resourceTypeSlug, p.system, p.createdAt],
        );
        await appendToOutbox(pgExecutor(client), [event]);
      });
      return 'ok';
    } catch (err) {
      if (isUniqueViolation(err)) return 'duplicate';
      throw err;
    }
  }

  async find(environmentId: string, slug: string): Promise<StoredPermission | null> {
    const { rows } = await this.prisma.pool.query<PermissionRow>('SELECT * FROM authz_permissions WHERE environment_id = $1 AND slug = $2', [environmentId, slug]);
    return rows[0] ? toStoredPermission(rows[0]) : null;
  }

  async existingSlugs(environmentId: string, slugs: string[]): Promise<string[]> {
    const { rows } = await this.prisma.pool.query<{ slug: string }>('SELECT slug FROM authz_permissions WHERE environment_id = $1 AND slug = ANY($2::text[])', [environmentId, slugs]);
    return rows.map((r) => r.slug);
  }

  async page(environmentId: string, req: PageRequest): Promise<StoredPermission[]> {
    const cursor = req.cursor ? `AND id ${req.cursor.op === 'gt' ? '>' : '<'} $2` : '';
    const { rows } = await this.prisma.pool.query<PermissionRow>(
      `SELECT * FROM authz_permissions WHERE environment_id = $1 ${cursor} ORDER BY id ${req.direction} LIMIT ${req.take}`,
      req.cursor ? [environmentId, req.cursor.id] : [environmentId],
    );
    return rows.map(toStoredPermission);
  }

  async update(
    environmentId: string,
    slug: string,
    patch: { name?: string; description?: string | null },
    event: (p: StoredPermission) => OutboxMessage,
  ): Promise<StoredPermission | null> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const { rows } = await client.query<PermissionRow>(
        `UPDATE authz_permissions SET name = COALESCE($3, name), description = CASE WHEN $4::boolean THEN $5 ELSE description END, updated_at = now()
         WHERE environment_id = $1 AND slug = $2 RETURNING *`,
        [environmentId, slug, patch.name ?? null, patch.description !== undefined, patch.description ?? null],
      );
      if (!rows[0]) return null;
      const p = toStoredPermission(rows[0]);
      await appendToOutbox(pgExecutor(client), [event(p)]);
      return p;
    });
  }

  /**
   * Deletes the permission; the roles that held it lose it in the same transaction, each with its
   * own role event, so consumers (token claims) see every role whose permissions changed.
   */
  async delete(
    environmentId: string,
    slug: string,
    events: (p: StoredPermission, changedRoles: StoredRole[]) => OutboxMessage[],
  ): Promise<StoredPermission | null> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const found = await client.query<PermissionRow>('SELECT * FROM authz_permissions WHERE environment_id = $1 AND slug = $2 FOR UPDATE', [environmentId, slug]);
      if (!found.rows[0]) return null;
      const p = toStoredPermission(found.rows[0]);
      const holders = await client.query<{ role_id: string }>('SELECT role_id FROM authz_role_permissions WHERE permission_id = $1', [p.id]);
      await client.query('DELETE FROM authz_permissions WHERE id = $1', [p.id]);
      const roleIds = holders.rows.map((r) => r.role_id);
      await client.query('UPDATE authz_roles SET updated_at = now() WHERE id = ANY($1)', [roleIds]);
      const changed = roleIds.length
        ? (await client.query<RoleRow>(`${SELECT_ROLE} WHERE r.id = ANY($1) GROUP BY r.id ORDER BY r.id`, [roleIds])).rows.map(toStoredRole)
        : [];
      await appendToOutbox(pgExecutor(client), events(p, changed));
      return p;
    });
  }
}
