import { Topic, type DeletedDirectoryEventWire, type DirectoryEventWire, type DirectoryGroupWire, type DirectoryUserWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';

/* dsync.* events are keyed by the organization ID, so one organization's events stay in order. */

export function directoryActivatedEvent(d: DirectoryEventWire, environmentId: string): OutboxMessage {
  return { topic: Topic.directorySync, key: d.organization_id, event: buildEvent('dsync.activated', d, environmentId) };
}

export function directoryDeletedEvent(d: DeletedDirectoryEventWire, environmentId: string): OutboxMessage {
  return { topic: Topic.directorySync, key: d.organization_id, event: buildEvent('dsync.deleted', d, environmentId) };
}

/** About the directory's token in `d` (the new one for created, the replaced one for revoked); never its value. */
export function tokenEvent(type: 'dsync.token.created' | 'dsync.token.revoked', d: TokenOwner, environmentId: string): OutboxMessage {
  const data = {
    object: 'directory_token' as const,
    ...(d.token_id ? { id: d.token_id } : {}),
    ...(d.token_suffix ? { token_suffix: d.token_suffix } : {}),
    directory_id: d.id,
    organization_id: d.organization_id,
    created_at: d.token_created_at.toISOString(),
  };
  return { topic: Topic.directorySync, key: d.organization_id, event: buildEvent(type, data, environmentId) };
}

interface TokenOwner {
  id: string;
  organization_id: string;
  token_id: string | null;
  token_suffix: string | null;
  token_created_at: Date;
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
