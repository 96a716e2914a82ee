import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { appendToOutbox, isUniqueViolation, pgExecutor, pgTransaction, type OutboxMessage } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { StoredRole } from './catalogue.dto';
import { SELECT_ROLE, toStoredRole, type RoleRow } from './catalogue.rows';

/** What a change to a role's permissions can run into. */
export type PermissionChange = { unknown: string[] } | { missing: true };
export type RoleDeletion = StoredRole | 'in_use' | null;

/**
 * The only SQL caller for roles. Every method takes the environment first. An organization's view
 * of the catalogue is the environment's roles plus its own (`organization_id IS NULL OR = $org`).
 */
@Injectable()
export class RolesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The role visible to `organizationId` (null: environment roles only) under this slug. */
  async find(environmentId: string, organizationId: string | null, slug: string): Promise<StoredRole | null> {
    const { rows } = await this.prisma.pool.query<RoleRow>(
      `${SELECT_ROLE} WHERE r.environment_id = $1 AND (r.organization_id IS NULL OR r.organization_id = $2) AND r.slug = $3 GROUP BY r.id`,
      [environmentId, organizationId, slug],
    );
    return rows[0] ? toStoredRole(rows[0]) : null;
  }

  /** Environment roles, plus the organization's own when one is named; unordered (see role-order). */
  async list(environmentId: string, organizationId: string | null): Promise<StoredRole[]> {
    const { rows } = await this.prisma.pool.query<RoleRow>(
      `${SELECT_ROLE} WHERE r.environment_id = $1 AND (r.organization_id IS NULL OR r.organization_id = $2) GROUP BY r.id`,
      [environmentId, organizationId],
    );
    return rows.map(toStoredRole);
  }

  /**
   * Inserts the role with its event. An environment's first role becomes its default (the role a
   * membership gets when none is named). `duplicate` when the slug is taken in the view it would join.
   */
  async create(environmentId: string, role: StoredRole, event: (r: StoredRole) => OutboxMessage): Promise<StoredRole | 'duplicate'> {
    try {
      return await pgTransaction(this.prisma.pool, async (client) => {
        // Serialises creates per environment, so the clash check below cannot race another create.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`authz_roles:${environmentId}`]);
        const clash = await client.query(
          `SELECT 1 FROM authz_roles WHERE environment_id = $1 AND slug = $2 AND ($3::text IS NULL OR organization_id IS NULL OR organization_id = $3)`,
          [environmentId, role.slug, role.organizationId],
        );
        if (clash.rowCount) return 'duplicate' as const;
        const first = role.organizationId === null && !(await client.query('SELECT 1 FROM authz_roles WHERE environment_id = $1 AND is_default', [environmentId])).rowCount;
        // A new role comes last in its scope (environment roles, or the organization's own).
        await client.query(
          `INSERT INTO authz_roles (id, environment_id, organization_id, slug, name, description, resource_type_slug, is_default, priority, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
             (SELECT COALESCE(MAX(priority), 0) + 1 FROM authz_roles WHERE environment_id = $2 AND organization_id IS NOT DISTINCT FROM $3), $9, $9)`,
          [role.id, environmentId, role.organizationId, role.slug, role.name, role.description, role.resourceTypeSlug, first, role.createdAt],
        );
        const stored = await this.load(client, environmentId, role.id);
        await appendToOutbox(pgExecutor(client), [event(stored)]);
        return stored;
      });
    } catch (err) {
      if (isUniqueViolation(err)) return 'duplicate';
      throw err;
    }
  }

  async update(environmentId: string, roleId: string, patch: { name?: string; description?: string | null }, event: (r: StoredRole) => OutboxMessage): Promise<StoredRole> {
    return this.change<never>(environmentId, roleId, event, async (client) => {
      await client.query(
        `UPDATE authz_roles SET name = COALESCE($3, name), description = CASE WHEN $4::boolean THEN $5 ELSE description END WHERE environment_id = $1 AND id = $2`,
        [environmentId, roleId, patch.name ?? null, patch.description !== undefined, patch.description ?? null],
      );
      return null;
    });
  }

  /** Replaces (`replace`) or extends the role's permissions; unknown slugs change nothing. */
  async addPermissions(environmentId: string, roleId: string, slugs: string[], replace: boolean, event: (r: StoredRole) => OutboxMessage): Promise<StoredRole | PermissionChange> {
    return this.change(environmentId, roleId, event, async (client) => {
      const { rows } = await client.query<{ id: string; slug: string }>('SELECT id, slug FROM authz_permissions WHERE environment_id = $1 AND slug = ANY($2)', [environmentId, slugs]);
      const known = new Set(rows.map((r) => r.slug));
      const unknown = [...new Set(slugs)].filter((s) => !known.has(s));
      if (unknown.length) return { unknown };
      if (replace) await client.query('DELETE FROM authz_role_permissions WHERE role_id = $1', [roleId]);
      await client.query(
        'INSERT INTO authz_role_permissions (role_id, permission_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING',
        [roleId, rows.map((r) => r.id)],
      );
      return null;
    });
  }

  async removePermission(environmentId: string, roleId: string, slug: string, event: (r: StoredRole) => OutboxMessage): Promise<StoredRole | PermissionChange> {
    return this.change(environmentId, roleId, event, async (client) => {
      const { rowCount } = await client.query(
        `DELETE FROM authz_role_permissions rp USING authz_permissions p
         WHERE rp.role_id = $2 AND rp.permission_id = p.id AND p.environment_id = $1 AND p.slug = $3`,
        [environmentId, roleId, slug],
      );
      return rowCount ? null : { missing: true as const };
    });
  }

  /**
   * Deletion is refused while the role is in use: assigned on a resource, or held by a membership
   * (the projection's role slugs). Deleting silently would revoke access nobody asked to revoke.
   */
  async delete(environmentId: string, roleId: string, event: (r: StoredRole) => OutboxMessage): Promise<RoleDeletion> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const locked = await client.query('SELECT 1 FROM authz_roles WHERE environment_id = $1 AND id = $2 FOR UPDATE', [environmentId, roleId]);
      if (!locked.rowCount) return null;
      const role = await this.load(client, environmentId, roleId);
      const inUse = await client.query(
        `SELECT 1 FROM authz_role_assignments WHERE role_id = $1
         UNION ALL SELECT 1 FROM authz_group_role_assignments WHERE role_id = $1
         UNION ALL SELECT 1 FROM authz_memberships WHERE environment_id = $2 AND organization_id = $3 AND $4 = ANY(role_slugs) LIMIT 1`,
        [roleId, environmentId, role.organizationId, role.slug],
      );
      if (inUse.rowCount) return 'in_use' as const;
      await client.query('DELETE FROM authz_roles WHERE id = $1', [roleId]);
      await appendToOutbox(pgExecutor(client), [event({ ...role, updatedAt: new Date() })]);
      return role;
    });
  }

  /**
   * Sets the priorities `plan` computes from the scope's roles read under the environment's role
   * lock (so no create or other reorder interleaves), with an event per role whose priority
   * changed. `plan` refusing changes nothing.
   */
  async reorder<E>(
    environmentId: string,
    organizationId: string | null,
    plan: (scope: StoredRole[]) => { priorities: { id: string; priority: number }[] } | E,
    event: (r: StoredRole) => OutboxMessage,
  ): Promise<StoredRole[] | E> {
    return pgTransaction(this.prisma.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`authz_roles:${environmentId}`]);
      const { rows } = await client.query<RoleRow>(
        `${SELECT_ROLE} WHERE r.environment_id = $1 AND r.organization_id IS NOT DISTINCT FROM $2 GROUP BY r.id`,
        [environmentId, organizationId],
      );
      const out = plan(rows.map(toStoredRole));
      if (!(out && typeof out === 'object' && 'priorities' in out)) return out as E;
      const changed: StoredRole[] = [];
      for (const p of out.priorities) {
        await client.query('UPDATE authz_roles SET priority = $3, updated_at = now() WHERE environment_id = $1 AND id = $2', [environmentId, p.id, p.priority]);
        changed.push(await this.load(client, environmentId, p.id));
      }
      if (changed.length) await appendToOutbox(pgExecutor(client), changed.map(event));
      const after = await client.query<RoleRow>(
        `${SELECT_ROLE} WHERE r.environment_id = $1 AND r.organization_id IS NOT DISTINCT FROM $2 GROUP BY r.id`,
        [environmentId, organizationId],
      );
      return after.rows.map(toStoredRole);
    });
  }

  /**
   * Makes the environment role the environment's default (the one before it stops being it),
   * with a `role.updated` event for each of the two, under the environment's role lock.
   */
  async setDefault(environmentId: string, roleId: string, event: (r: StoredRole) => OutboxMessage): Promise<void> {
    await pgTransaction(this.prisma.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`authz_roles:${environmentId}`]);
      const { rows } = await client.query<{ id: string }>(
        `UPDATE authz_roles SET is_default = (id = $2), updated_at = now()
         WHERE environment_id = $1 AND organization_id IS NULL AND (is_default OR id = $2) AND is_default <> (id = $2) RETURNING id`,
        [environmentId, roleId],
      );
      const changed = [];
      for (const r of rows) changed.push(event(await this.load(client, environmentId, r.id)));
      if (changed.length) await appendToOutbox(pgExecutor(client), changed);
    });
  }

  /* Runs `apply` on a locked role, then bumps updated_at and writes the event with the new state. */
  private async change<E>(
    environmentId: string,
    roleId: string,
    event: (r: StoredRole) => OutboxMessage,
    apply: (client: PoolClient) => Promise<E | null>,
  ): Promise<StoredRole | E> {
    return pgTransaction(this.prisma.pool, async (client) => {
      await client.query('SELECT 1 FROM authz_roles WHERE environment_id = $1 AND id = $2 FOR UPDATE', [environmentId, roleId]);
      // `apply` refuses before it writes anything, so a refusal leaves the role unchanged.
      const refused = await apply(client);
      if (refused) return refused;
      await client.query('UPDATE authz_roles SET updated_at = now() WHERE id = $1', [roleId]);
      const stored = await this.load(client, environmentId, roleId);
      await appendToOutbox(pgExecutor(client), [event(stored)]);
      return stored;
    });
  }

  private async load(client: PoolClient, environmentId: string, roleId: string): Promise<StoredRole> {
    const { rows } = await client.query<RoleRow>(`${SELECT_ROLE} WHERE r.environment_id = $1 AND r.id = $2 GROUP BY r.id`, [environmentId, roleId]);
    return toStoredRole(rows[0]!);
  }
}
