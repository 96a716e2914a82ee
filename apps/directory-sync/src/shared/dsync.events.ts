import { Topic, type DeletedDirectoryEventWire, type DirectoryEventWire, type DirectoryGroupWire, type DirectoryUserWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';

/* dsync.* events are keyed by the organization ID, so one organization's events stay in order. */

export function directoryActivatedEvent(d: DirectoryEventWire, environmentId: string): OutboxMessage {
  return { topic: Topic.directorySync, key: d.organization_id, event: buildEvent('dsync.activated', d, environmentId) };
}

export function directoryDeletedEvent(d: DeletedDirectoryEventWire, environmentId: string): OutboxMessage {
  return { topic: Topic.directorySync, key: d.organization_id, event: buildEvent('dsync.deleted', d, environmentId) };
}

export function tokenEvent(type: 'dsync.token.created' | 'dsync.token.revoked', directoryId: string, organizationId: string, createdAt: Date, environmentId: string): OutboxMessage {
  const data = { object: 'directory_token' as const, directory_id: directoryId, organization_id: organizationId, created_at: createdAt.toISOString() };
  return { topic: Topic.directorySync, key: organizationId, event: buildEvent(type, data, environmentId) };
}

export function userEvent(type: 'dsync.user.created' | 'dsync.user.deleted', u: DirectoryUserWire, environmentId: string): OutboxMessage {
  return { topic: Topic.directorySync, key: u.organization_id, event: buildEvent(type, u, environmentId) };
}

export function userUpdatedEvent(u: DirectoryUserWire, previous: Record<string, unknown>, environmentId: string): OutboxMessage {
  return { topic: Topic.directorySync, key: u.organization_id, event: buildEvent('dsync.user.updated', { ...u, previous_attributes: previous }, environmentId) };
}

export function groupEvent(type: 'dsync.group.created' | 'dsync.group.deleted', g: DirectoryGroupWire, environmentId: string): OutboxMessage {
  return { topic: Topic.directorySync, key: g.organization_id, event: buildEvent(type, g, environmentId) };
}

export function groupUpdatedEvent(g: DirectoryGroupWire, previous: Record<string, unknown>, environmentId: string): OutboxMessage {
  return { topic: Topic.directorySync, key: g.organization_id, event: buildEvent('dsync.group.updated', { ...g, previous_attributes: previous }, environmentId) };
}

export function membershipEvent(type: 'dsync.group.user_added' | 'dsync.group.user_removed', user: DirectoryUserWire, group: DirectoryGroupWire, environmentId: string): OutboxMessage {
  return { topic: Topic.directorySync, key: group.organization_id, event: buildEvent(type, { directory_id: group.directory_id, user, group }, environmentId) };
}
