import { Topic, type EmailVerificationWire, type InvitationWire, type MagicAuthWire, type PasswordResetWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';

/*
 * Events of the email flows and invitations, on the identity topic. Payloads drop the secret
 * (code, token, URL) as WorkOS's do. Keys: the invitation's organization where it has one, else
 * the entity's own ID, so each entity's events stay in order.
 */

export function emailVerificationCreatedEvent(ev: EmailVerificationWire, environmentId: string): OutboxMessage {
  const { code: _code, ...data } = ev;
  return { topic: Topic.identity, key: ev.id, event: buildEvent('email_verification.created', data, environmentId) };
}

export function magicAuthCreatedEvent(ma: MagicAuthWire, environmentId: string): OutboxMessage {
  const { code: _code, ...data } = ma;
  return { topic: Topic.identity, key: ma.id, event: buildEvent('magic_auth.created', data, environmentId) };
}

export function passwordResetEvent(type: 'password_reset.created' | 'password_reset.succeeded', pr: PasswordResetWire, environmentId: string): OutboxMessage {
  const { password_reset_token: _t, password_reset_url: _u, ...data } = pr;
  return { topic: Topic.identity, key: pr.id, event: buildEvent(type, data, environmentId) };
}

export function invitationEvent(
  type: 'invitation.created' | 'invitation.resent' | 'invitation.revoked' | 'invitation.accepted',
  inv: InvitationWire,
  environmentId: string,
): OutboxMessage {
  const { token: _t, accept_invitation_url: _u, ...data } = inv;
  return { topic: Topic.identity, key: inv.organization_id ?? inv.id, event: buildEvent(type, data, environmentId) };
}
