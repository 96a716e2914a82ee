import type { PoolClient } from 'pg';
import { appendToOutbox, pgExecutor, type OutboxMessage } from '@wos/platform';
import { groupMemberEvent } from './groups.events';
import { toStored, type GroupRow } from './groups.rows';

/**
 * Makes a just-projected membership a member of the directory groups that were waiting for it,
 * each with its event, in the projection's transaction (MembershipsRepository.upsert). A pending
 * row of another organization's group is dropped: such a membership never belongs there.
 */
export async function promotePendingGroupMembers(client: PoolClient, environmentId: string, membershipId: string): Promise<void> {
  const { rows } = await client.query<GroupRow & { member_org: string | null }>(
    `WITH pending AS (
       DELETE FROM authz_group_pending_members p USING authz_groups g
       WHERE p.organization_membership_id = $2 AND g.id = p.group_id AND g.environment_id = $1
       RETURNING g.*)
     SELECT pending.*, m.organization_id AS member_org FROM pending
     LEFT JOIN authz_memberships m ON m.environment_id = $1 AND m.id = $2`,
    [environmentId, membershipId],
  );
  const events: OutboxMessage[] = [];
  for (const r of rows.filter((x) => x.member_org === x.organization_id)) {
    const { rowCount } = await client.query('INSERT INTO authz_group_members (group_id, organization_membership_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [r.id, membershipId]);
    if (rowCount) events.push(groupMemberEvent('member_added', toStored(r), membershipId, environmentId));
  }
  if (events.length) await appendToOutbox(pgExecutor(client), events);
}
