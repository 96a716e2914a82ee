import { createHash } from 'node:crypto';
import { Topic, type ConnectionWire, type SsoAuthenticationEventWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';

/* SSO events are keyed by organization where there is one, else by connection, so one
   organization's connection and sign-in events stay in order. */

export function connectionEvent(
  type: 'connection.activated' | 'connection.deactivated' | 'connection.deleted',
  connection: ConnectionWire,
  environmentId: string,
): OutboxMessage {
  const data = { ...connection, external_key: connectionExternalKey(connection.id) };
  return { topic: Topic.sso, key: connection.organization_id ?? connection.id, event: buildEvent(type, data, environmentId) };
}

/**
 * WorkOS's `external_key`: an opaque key that names the connection outside WorkOS. Nothing here
 * routes by it, so it is derived from the ID (stable, unique, no column to store) and carries
 * no secret.
 */
export function connectionExternalKey(connectionId: string): string {
  return createHash('sha256').update(`connection-external-key:${connectionId}`).digest('base64url').slice(0, 25);
}

export function authenticationEvent(
  type: 'authentication.sso_succeeded' | 'authentication.sso_failed',
  data: SsoAuthenticationEventWire,
  environmentId: string,
): OutboxMessage {
  const key = data.sso?.organization_id ?? data.sso?.connection_id ?? environmentId;
  return { topic: Topic.sso, key, event: buildEvent(type, data, environmentId) };
}
