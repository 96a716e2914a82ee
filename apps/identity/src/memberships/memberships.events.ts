import { Topic, type OrganizationMembershipWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';

/* Membership events are keyed by the organization ID: per-organization order (DESIGN.md rule 4). */
export function membershipEvent(
  type: 'organization_membership.created' | 'organization_membership.updated' | 'organization_membership.deleted',
  m: OrganizationMembershipWire,
  environmentId: string,
): OutboxMessage {
  return { topic: Topic.identity, key: m.organization_id, event: buildEvent(type, m, environmentId) };
}
