import { Topic, type AuthenticationEventData, type SessionWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';
import type { AuthEventType } from '../authenticate/authenticate.grants';

/* Session and authentication events are keyed by the user ID: one user's sign-ins stay in order. */
export function sessionEvent(type: 'session.created' | 'session.revoked', s: SessionWire, environmentId: string): OutboxMessage {
  return { topic: Topic.identity, key: s.user_id, event: buildEvent(type, s, environmentId) };
}

const AUTH_EVENT_TYPES = {
  password: ['authentication.password_succeeded', 'authentication.password_failed'],
  mfa: ['authentication.mfa_succeeded', 'authentication.mfa_failed'],
  magic_auth: ['authentication.magic_auth_succeeded', 'authentication.magic_auth_failed'],
  email_verification: ['authentication.email_verification_succeeded', 'authentication.email_verification_failed'],
} as const;

/** The `authentication.<type>_<status>` event, or null for a type without a contract here. */
export function authenticationEvent(type: AuthEventType, data: Omit<AuthenticationEventData, 'type'>, environmentId: string): OutboxMessage | null {
  const pair = AUTH_EVENT_TYPES[type as keyof typeof AUTH_EVENT_TYPES];
  if (!pair) return null;
  const name = data.status === 'succeeded' ? pair[0] : pair[1];
  return { topic: Topic.identity, key: data.user_id ?? data.email ?? 'anonymous', event: buildEvent(name, { type, ...data } as AuthenticationEventData, environmentId) };
}
