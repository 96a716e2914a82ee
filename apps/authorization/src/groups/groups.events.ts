import { Topic } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';
import { toGroupWire, type StoredGroup } from './groups.dto';

/* Keyed by the organization, so one organization's group events stay in order. */
export function groupEvent(change: 'created' | 'updated' | 'deleted', g: StoredGroup, environmentId: string): OutboxMessage {
  return { topic: Topic.authorization, key: g.organizationId, event: buildEvent(`group.${change}`, toGroupWire(g), environmentId) };
}

export function groupMemberEvent(change: 'member_added' | 'member_removed', g: StoredGroup, membershipId: string, environmentId: string): OutboxMessage {
  return {
    topic: Topic.authorization,
    key: g.organizationId,
    event: buildEvent(`group.${change}`, { group_id: g.id, organization_membership_id: membershipId }, environmentId),
  };
}
