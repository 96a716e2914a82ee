import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { claimInbox, pgExecutor, pgTransaction } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import { promotePendingGroupMembers } from '../groups/pending-members';

export interface ProjectedMembership {
  id: string;
  organizationId: string;
  userId: string;
  roleSlugs: string[];
  status: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface MembershipRow {
  id: string;
  organization_id: string;
  user_id: string;
  role_slugs: string[];
  status: string;
  created_at: Date;
  updated_at: Date;
}

export const toProjectedMembership = (r: MembershipRow): ProjectedMembership => ({
  id: r.id,
  organizationId: r.organization_id,
  userId: r.user_id,
  roleSlugs: r.role_slugs,
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The only SQL caller for the memberships projection. Every method takes the environment first. */
@Injectable()
export class MembershipsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(environmentId: string, id: string): Promise<ProjectedMembership | null> {
    const { rows } = await this.prisma.pool.query<MembershipRow>('SELECT * FROM authz_memberships WHERE environment_id = $1 AND id = $2', [environmentId, id]);
    return rows[0] ? toProjectedMembership(rows[0]) : null;
  }

  /**
   * Applies one created/updated event once (inbox in the same transaction). An older state never
   * overwrites a newer one, so a replayed or reordered update changes nothing. Directory groups
   * waiting for this membership take it in as a member in the same transaction.
   */
  async upsert(environmentId: string, m: ProjectedMembership, inbox: { consumer: string; eventId: string }): Promise<void> {
    await pgTransaction(this.prisma.pool, async (client) => {
      if (!(await claimInbox(pgExecutor(client), inbox.consumer, inbox.eventId))) return;
      await client.query(
        `INSERT INTO authz_memberships (id, environment_id, organization_id, user_id, role_slugs, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET role_slugs = EXCLUDED.role_slugs, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
         WHERE authz_memberships.environment_id = EXCLUDED.environment_id AND authz_memberships.updated_at <= EXCLUDED.updated_at`,
        [m.id, environmentId, m.organizationId, m.userId, m.roleSlugs, m.status, m.createdAt, m.updatedAt],
      );
      await promotePendingGroupMembers(client, environmentId, m.id);
    });
  }

  /**
   * A deleted membership takes its role assignments with it (foreign key cascade), and leaves a
   * tombstone so that the backfill never writes it again.
   */
  async delete(environmentId: string, id: string, inbox: { consumer: string; eventId: string }): Promise<void> {
    await pgTransaction(this.prisma.pool, async (client) => {
      if (!(await claimInbox(pgExecutor(client), inbox.consumer, inbox.eventId))) return;
      await client.query('DELETE FROM authz_memberships WHERE environment_id = $1 AND id = $2', [environmentId, id]);
      await client.query('INSERT INTO authz_membership_tombstones (id, environment_id) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, environmentId]);
    });
  }

  /**
   * Writes a page of memberships read from identity (the backfill), with `cursor` (the page's
   * last ID) in the same transaction. The projection's rules hold: an older state never
   * overwrites a newer one (an event consumed meanwhile wins), and a tombstoned membership is
   * never written again. Returns how many rows were inserted or updated.
   */
  async backfill(environmentId: string, page: ProjectedMembership[], cursor: (client: PoolClient, written: number) => Promise<void>): Promise<number> {
    return pgTransaction(this.prisma.pool, async (client) => {
      let written = 0;
      for (const m of page) {
        const { rowCount } = await client.query(
          `INSERT INTO authz_memberships (id, environment_id, organization_id, user_id, role_slugs, status, created_at, updated_at)
           SELECT $1, $2, $3, $4, $5, $6, $7, $8
           WHERE NOT EXISTS (SELECT 1 FROM authz_membership_tombstones t WHERE t.id = $1)
           ON CONFLICT (id) DO UPDATE SET role_slugs = EXCLUDED.role_slugs, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
           WHERE authz_memberships.environment_id = EXCLUDED.environment_id AND authz_memberships.updated_at < EXCLUDED.updated_at`,
          [m.id, environmentId, m.organizationId, m.userId, m.roleSlugs, m.status, m.createdAt, m.updatedAt],
        );
        written += rowCount ?? 0;
        if (rowCount) await promotePendingGroupMembers(client, environmentId, m.id);
      }
      await cursor(client, written);
      return written;
    });
  }
}
