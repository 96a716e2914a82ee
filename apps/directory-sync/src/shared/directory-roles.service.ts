import { Injectable } from '@nestjs/common';
import type { OutboxMessage } from '@wos/platform';
import type { PoolClient } from 'pg';
import { mapRoles } from '../scim-core/scim-user.mapping';
import { DirectoryDataRepository } from './directory-data.repository';
import { previousAttributes, toUserWire } from './directory-data.dto';
import { effectiveRoles, type RoleMapping } from './directory-roles';
import { userUpdatedEvent } from './dsync.events';

export interface RoleScope {
  environmentId: string;
  directoryId: string;
  mappings: RoleMapping[];
}

/**
 * Keeps stored roles equal to effectiveRoles(SCIM roles, groups, mappings). Invariant: it runs in
 * the transaction of the change that can alter a role (membership, mappings), and every user
 * whose role changes gets a dsync.user.updated in that same transaction.
 */
@Injectable()
export class DirectoryRolesService {
  constructor(private readonly repo: DirectoryDataRepository) {}

  async recompute(client: PoolClient, scope: RoleScope, userIds: string[]): Promise<OutboxMessage[]> {
    const users = await this.repo.lockUsers(client, scope.environmentId, scope.directoryId, [...new Set(userIds)]);
    const groups = await this.repo.membershipsOf(client, users.map((u) => u.id));
    const events: OutboxMessage[] = [];
    const now = new Date();
    for (const u of users) {
      const roles = effectiveRoles(attributeRoles(u.raw_attributes), groups.get(u.id) ?? [], scope.mappings);
      if (JSON.stringify(roles) === JSON.stringify(u.roles)) continue;
      const updated = { ...u, roles, updated_at: now };
      await this.repo.setUserRoles(client, u.id, roles, now);
      events.push(userUpdatedEvent(toUserWire(updated), previousAttributes(toUserWire(u), toUserWire(updated)), scope.environmentId));
    }
    return events;
  }
}

/** The roles the IdP sends (already validated when stored). */
export function attributeRoles(raw: Record<string, unknown>): string[] {
  const key = Object.keys(raw).find((k) => k.toLowerCase() === 'roles');
  try {
    return key ? mapRoles(raw[key]) : [];
  } catch {
    return [];
  }
}
