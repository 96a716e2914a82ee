import { Injectable } from '@nestjs/common';
import { appendToOutbox, claimInbox, pgExecutor, pgTransaction, type OutboxMessage } from '@wos/platform';
import type { StoredRole } from '../catalogue/catalogue.dto';
import { SELECT_ROLE, toStoredRole, type RoleRow } from '../catalogue/catalogue.rows';
import type { StoredGroup } from '../groups/groups.dto';
import { PrismaService } from '../infra/prisma.service';

export interface OrganizationCleanup {
  resources: number;
  groups: StoredGroup[];
  roles: StoredRole[];
}

/** The only SQL caller for an organization's removal. Every method takes the environment first. */
@Injectable()
export class OrganizationCleanupRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Removes the organization's resources (with their closure rows and every assignment on them),
   * its groups (members, assignments) and its own roles, with an event per group and role, once
   * per consumed event (inbox in the same transaction). Resources go first: the role foreign
   * keys refuse to drop a role that an assignment still names.
   */
  async removeOrganization(
    environmentId: string,
    organizationId: string,
    inbox: { consumer: string; eventId: string },
    events: (removed: OrganizationCleanup) => OutboxMessage[],
  ): Promise<OrganizationCleanup | null> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const raw = pgExecutor(client);
      if (!(await claimInbox(raw, inbox.consumer, inbox.eventId))) return null;
      const resources = await client.query('DELETE FROM authz_resources WHERE environment_id = $1 AND organization_id = $2', [environmentId, organizationId]);
      const groups = await client.query<{ id: string; organization_id: string; name: string; description: string | null; created_at: Date; updated_at: Date }>(
        'DELETE FROM authz_groups WHERE environment_id = $1 AND organization_id = $2 RETURNING *',
        [environmentId, organizationId],
      );
      const roles = await client.query<RoleRow>(`${SELECT_ROLE} WHERE r.environment_id = $1 AND r.organization_id = $2 GROUP BY r.id ORDER BY r.id`, [environmentId, organizationId]);
      await client.query('DELETE FROM authz_roles WHERE environment_id = $1 AND organization_id = $2', [environmentId, organizationId]);
      const removed: OrganizationCleanup = {
        resources: resources.rowCount ?? 0,
        groups: groups.rows
          .map((g) => ({ id: g.id, organizationId: g.organization_id, name: g.name, description: g.description, createdAt: g.created_at, updatedAt: new Date() }))
          .sort((a, b) => (a.id < b.id ? -1 : 1)),
        roles: roles.rows.map(toStoredRole).map((r) => ({ ...r, updatedAt: new Date() })),
      };
      await appendToOutbox(raw, events(removed));
      return removed;
    });
  }
}
