import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { SlugUse } from '../authz-core/slug-migration';
import { PrismaService } from '../infra/prisma.service';

export interface SlugMigrationState {
  membershipCursor: string | null;
  membershipsBackfilled: number;
  rolesCreated: number;
  completedAt: Date | null;
}

interface StateRow {
  membership_cursor: string | null;
  memberships_backfilled: number;
  roles_created: number;
  completed_at: Date | null;
}

const toState = (r: StateRow): SlugMigrationState => ({
  membershipCursor: r.membership_cursor,
  membershipsBackfilled: r.memberships_backfilled,
  rolesCreated: r.roles_created,
  completedAt: r.completed_at,
});

/** The only SQL caller for the role slug migration's progress and its reads. Every method takes the environment first. */
@Injectable()
export class SlugMigrationRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The environment's run: resumed where it stopped, or started afresh (a finished run starts over). */
  async begin(environmentId: string): Promise<SlugMigrationState> {
    const { rows } = await this.prisma.pool.query<StateRow>(
      `INSERT INTO authz_role_slug_migrations (environment_id) VALUES ($1)
       ON CONFLICT (environment_id) DO UPDATE SET
         membership_cursor = CASE WHEN authz_role_slug_migrations.completed_at IS NULL THEN authz_role_slug_migrations.membership_cursor END,
         memberships_backfilled = CASE WHEN authz_role_slug_migrations.completed_at IS NULL THEN authz_role_slug_migrations.memberships_backfilled ELSE 0 END,
         roles_created = CASE WHEN authz_role_slug_migrations.completed_at IS NULL THEN authz_role_slug_migrations.roles_created ELSE 0 END,
         completed_at = NULL, updated_at = now()
       RETURNING membership_cursor, memberships_backfilled, roles_created, completed_at`,
      [environmentId],
    );
    return toState(rows[0]!);
  }

  /**
   * Moves the cursor forward inside the backfill's transaction (never back: concurrent runs of
   * one environment are harmless, each page being idempotent).
   */
  async advance(client: PoolClient, environmentId: string, cursor: string, written: number): Promise<void> {
    await client.query(
      `UPDATE authz_role_slug_migrations SET membership_cursor = GREATEST(COALESCE(membership_cursor, ''), $2),
         memberships_backfilled = memberships_backfilled + $3, updated_at = now()
       WHERE environment_id = $1`,
      [environmentId, cursor, written],
    );
  }

  async complete(environmentId: string, rolesCreated: number): Promise<SlugMigrationState> {
    const { rows } = await this.prisma.pool.query<StateRow>(
      `UPDATE authz_role_slug_migrations SET roles_created = roles_created + $2, completed_at = now(), updated_at = now()
       WHERE environment_id = $1 RETURNING membership_cursor, memberships_backfilled, roles_created, completed_at`,
      [environmentId, rolesCreated],
    );
    return toState(rows[0]!);
  }

  /** (organization, slug) pairs memberships hold that the organization's view of the catalogue lacks. */
  async unknownSlugUses(environmentId: string): Promise<SlugUse[]> {
    const { rows } = await this.prisma.pool.query<{ organization_id: string; slug: string }>(
      `SELECT DISTINCT m.organization_id, s.slug
       FROM authz_memberships m CROSS JOIN LATERAL unnest(m.role_slugs) AS s(slug)
       WHERE m.environment_id = $1
         AND NOT EXISTS (SELECT 1 FROM authz_roles r WHERE r.environment_id = $1 AND r.slug = s.slug AND (r.organization_id IS NULL OR r.organization_id = m.organization_id))
       ORDER BY m.organization_id, s.slug`,
      [environmentId],
    );
    return rows.map((r) => ({ organizationId: r.organization_id, slug: r.slug }));
  }

  /** Which of these slugs some organization role of the environment already has. */
  async organizationRoleSlugs(environmentId: string, slugs: string[]): Promise<Set<string>> {
    const { rows } = await this.prisma.pool.query<{ slug: string }>(
      'SELECT DISTINCT slug FROM authz_roles WHERE environment_id = $1 AND organization_id IS NOT NULL AND slug = ANY($2::text[])',
      [environmentId, slugs],
    );
    return new Set(rows.map((r) => r.slug));
  }
}
