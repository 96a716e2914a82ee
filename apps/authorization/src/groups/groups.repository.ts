import { Injectable } from '@nestjs/common';
import { appendToOutbox, pgExecutor, pgTransaction, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import { toProjectedMembership, type MembershipRow, type ProjectedMembership } from '../memberships/memberships.repository';
import { keysetTail } from '../resources/resources.rows';
import type { StoredGroup } from './groups.dto';

interface GroupRow {
  id: string;
  organization_id: string;
  name: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

const toStored = (r: GroupRow): StoredGroup => ({
  id: r.id,
  organizationId: r.organization_id,
  name: r.name,
  description: r.description,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The only SQL caller for groups and their members. Every method takes the environment first. */
@Injectable()
export class GroupsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(environmentId: string, g: StoredGroup, event: OutboxMessage): Promise<void> {
    await pgTransaction(this.prisma.pool, async (client) => {
      await client.query(
        'INSERT INTO authz_groups (id, environment_id, organization_id, name, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)',
        [g.id, environmentId, g.organizationId, g.name, g.description, g.createdAt],
      );
      await appendToOutbox(pgExecutor(client), [event]);
    });
  }

  async find(environmentId: string, organizationId: string, id: string): Promise<StoredGroup | null> {
    const { rows } = await this.prisma.pool.query<GroupRow>('SELECT * FROM authz_groups WHERE environment_id = $1 AND organization_id = $2 AND id = $3', [
      environmentId,
      organizationId,
      id,
    ]);
    return rows[0] ? toStored(rows[0]) : null;
  }

  /** A group by ID alone (the /authorization/groups routes name no organization). */
  async findById(environmentId: string, id: string): Promise<StoredGroup | null> {
    const { rows } = await this.prisma.pool.query<GroupRow>('SELECT * FROM authz_groups WHERE environment_id = $1 AND id = $2', [environmentId, id]);
    return rows[0] ? toStored(rows[0]) : null;
  }

  async update(environmentId: string, id: string, patch: { name?: string; description?: string | null }, event: (g: StoredGroup) => OutboxMessage): Promise<StoredGroup | null> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const { rows } = await client.query<GroupRow>(
        `UPDATE authz_groups SET name = COALESCE($3, name), description = COALESCE($4, description), updated_at = now()
         WHERE environment_id = $1 AND id = $2 RETURNING *`,
        [environmentId, id, patch.name ?? null, patch.description ?? null],
      );
      if (!rows[0]) return null;
      const g = toStored(rows[0]);
      await appendToOutbox(pgExecutor(client), [event(g)]);
      return g;
    });
  }

  /** The group, its members and its role assignments go together (foreign keys cascade). */
  async delete(environmentId: string, id: string, event: OutboxMessage): Promise<boolean> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const { rowCount } = await client.query('DELETE FROM authz_groups WHERE environment_id = $1 AND id = $2', [environmentId, id]);
      if (!rowCount) return false;
      await appendToOutbox(pgExecutor(client), [event]);
      return true;
    });
  }

  async page(environmentId: string, organizationId: string, req: PageRequest): Promise<StoredGroup[]> {
    const values: unknown[] = [environmentId, organizationId];
    const tail = keysetTail(req, 'g.id', values);
    const { rows } = await this.prisma.pool.query<GroupRow>(`SELECT g.* FROM authz_groups g WHERE g.environment_id = $1 AND g.organization_id = $2${tail}`, values);
    return rows.map(toStored);
  }

  /** Adds the member with its event; adding a member twice changes nothing and writes no event. */
  async addMember(groupId: string, membershipId: string, event: OutboxMessage): Promise<void> {
    await pgTransaction(this.prisma.pool, async (client) => {
      const { rowCount } = await client.query(
        'INSERT INTO authz_group_members (group_id, organization_membership_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [groupId, membershipId],
      );
      if (rowCount) await appendToOutbox(pgExecutor(client), [event]);
    });
  }

  async removeMember(groupId: string, membershipId: string, event: OutboxMessage): Promise<boolean> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const { rowCount } = await client.query('DELETE FROM authz_group_members WHERE group_id = $1 AND organization_membership_id = $2', [groupId, membershipId]);
      if (rowCount) await appendToOutbox(pgExecutor(client), [event]);
      return (rowCount ?? 0) > 0;
    });
  }

  async membersPage(environmentId: string, groupId: string, req: PageRequest): Promise<ProjectedMembership[]> {
    const values: unknown[] = [environmentId, groupId];
    const tail = keysetTail(req, 'm.id', values);
    const { rows } = await this.prisma.pool.query<MembershipRow>(
      `SELECT m.* FROM authz_memberships m JOIN authz_group_members gm ON gm.organization_membership_id = m.id WHERE m.environment_id = $1 AND gm.group_id = $2${tail}`,
      values,
    );
    return rows.map(toProjectedMembership);
  }

  async groupsOfMemberPage(environmentId: string, membershipId: string, req: PageRequest): Promise<StoredGroup[]> {
    const values: unknown[] = [environmentId, membershipId];
    const tail = keysetTail(req, 'g.id', values);
    const { rows } = await this.prisma.pool.query<GroupRow>(
      `SELECT g.* FROM authz_groups g JOIN authz_group_members gm ON gm.group_id = g.id WHERE g.environment_id = $1 AND gm.organization_membership_id = $2${tail}`,
      values,
    );
    return rows.map(toStored);
  }
}
