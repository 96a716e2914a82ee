import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { appendToOutbox, newId, pgExecutor, pgTransaction, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import { toProjectedMembership, type MembershipRow, type ProjectedMembership } from '../memberships/memberships.repository';
import { keysetTail } from '../resources/resources.rows';
import type { StoredGroup } from './groups.dto';
import { toStored, type GroupRow } from './groups.rows';
import { groupEvent, groupMemberEvent } from './groups.events';

/** A directory group as identity's directory provisioning names it. */
export interface KeptDirectoryGroup {
  directoryGroupId: string;
  directoryId: string;
  organizationId: string;
  name: string;
}

/** The SQL caller for groups and their members (with pending-members.ts, which the membership projection calls). Every method takes the environment first. */
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

  /* ---- Groups kept in step with a directory's groups (directory-groups.service.ts) ---- */

  /**
   * The group kept for a directory group: created on first sight, renamed when the directory
   * renames it, each with its event. Null when the directory group is already kept for another
   * organization (a directory belongs to one organization, so only a bad caller gets there).
   */
  async syncDirectoryGroup(client: PoolClient, environmentId: string, d: KeptDirectoryGroup): Promise<StoredGroup | null> {
    const found = await client.query<GroupRow>('SELECT * FROM authz_groups WHERE environment_id = $1 AND directory_group_id = $2 FOR UPDATE', [environmentId, d.directoryGroupId]);
    if (found.rows[0]) {
      const g = toStored(found.rows[0]);
      if (g.organizationId !== d.organizationId) return null;
      if (g.name === d.name) return g;
      const { rows } = await client.query<GroupRow>('UPDATE authz_groups SET name = $3, updated_at = now() WHERE environment_id = $1 AND id = $2 RETURNING *', [environmentId, g.id, d.name]);
      const renamed = toStored(rows[0]!);
      await appendToOutbox(pgExecutor(client), [groupEvent('updated', renamed, environmentId)]);
      return renamed;
    }
    const { rows } = await client.query<GroupRow>(
      `INSERT INTO authz_groups (id, environment_id, organization_id, name, directory_id, directory_group_id) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (environment_id, directory_group_id) WHERE directory_group_id IS NOT NULL DO NOTHING RETURNING *`,
      [newId('group'), environmentId, d.organizationId, d.name, d.directoryId, d.directoryGroupId],
    );
    if (!rows[0]) return this.syncDirectoryGroup(client, environmentId, d); // created concurrently: take that one
    const created = toStored(rows[0]);
    await appendToOutbox(pgExecutor(client), [groupEvent('created', created, environmentId)]);
    return created;
  }

  /**
   * Adds the membership to the group, or, when this service has not projected the membership yet,
   * records it as pending (promotePendingGroupMembers makes it a member on projection).
   */
  async addOrPend(client: PoolClient, environmentId: string, g: StoredGroup, membershipId: string): Promise<'added' | 'unchanged' | 'pending' | 'other_organization'> {
    const m = await client.query<{ organization_id: string }>('SELECT organization_id FROM authz_memberships WHERE environment_id = $1 AND id = $2', [environmentId, membershipId]);
    if (!m.rows[0]) {
      await client.query('INSERT INTO authz_group_pending_members (group_id, organization_membership_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [g.id, membershipId]);
      return 'pending';
    }
    if (m.rows[0].organization_id !== g.organizationId) return 'other_organization';
    const { rowCount } = await client.query('INSERT INTO authz_group_members (group_id, organization_membership_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [g.id, membershipId]);
    if (!rowCount) return 'unchanged';
    await appendToOutbox(pgExecutor(client), [groupMemberEvent('member_added', g, membershipId, environmentId)]);
    return 'added';
  }

  /** Removes the membership from the directory group, pending or not; the event only for a real member. */
  async removeDirectoryMember(client: PoolClient, environmentId: string, directoryGroupId: string, membershipId: string): Promise<boolean> {
    const found = await client.query<GroupRow>('SELECT * FROM authz_groups WHERE environment_id = $1 AND directory_group_id = $2', [environmentId, directoryGroupId]);
    if (!found.rows[0]) return false;
    const g = toStored(found.rows[0]);
    await client.query('DELETE FROM authz_group_pending_members WHERE group_id = $1 AND organization_membership_id = $2', [g.id, membershipId]);
    const { rowCount } = await client.query('DELETE FROM authz_group_members WHERE group_id = $1 AND organization_membership_id = $2', [g.id, membershipId]);
    if (rowCount) await appendToOutbox(pgExecutor(client), [groupMemberEvent('member_removed', g, membershipId, environmentId)]);
    return (rowCount ?? 0) > 0;
  }

  /** Deletes the groups kept for these directory groups (or for every group of the directory), each with its event. */
  async deleteDirectoryGroups(client: PoolClient, environmentId: string, by: { directoryGroupId: string } | { directoryId: string }): Promise<number> {
    const [column, value] = 'directoryGroupId' in by ? ['directory_group_id', by.directoryGroupId] : ['directory_id', by.directoryId];
    const { rows } = await client.query<GroupRow>(`DELETE FROM authz_groups WHERE environment_id = $1 AND ${column} = $2 RETURNING *`, [environmentId, value]);
    if (rows.length) await appendToOutbox(pgExecutor(client), rows.map((r) => groupEvent('deleted', { ...toStored(r), updatedAt: new Date() }, environmentId)));
    return rows.length;
  }
}
