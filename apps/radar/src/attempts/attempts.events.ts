import { Topic, type RadarAttemptWire, type RadarKnownDeviceWire } from '@wos/contracts';
import type { RadarAttempt } from '../generated/prisma/client';
import { buildEvent, type OutboxMessage } from '@wos/platform';

/* Keyed by the attempt, so an attempt's created and updated events stay in order. */
export function attemptEvent(change: 'created' | 'updated', attempt: RadarAttemptWire, environmentId: string): OutboxMessage {
  return { topic: Topic.radar, key: attempt.id, event: buildEvent(`radar.attempt.${change}`, attempt, environmentId) };
}

/** WorkOS's event for an attempt on which a control fired or a deny list matched. */
export function riskDetectedEvent(attempt: RadarAttemptWire, environmentId: string): OutboxMessage {
  const data = {
    auth_method: attempt.auth_method,
    action: attempt.action === 'sign-up' ? ('signup' as const) : ('login' as const),
    control: attempt.control ?? attempt.findings[0]?.control ?? null,
    blocklist_type: attempt.blocklist_type,
    ip_address: attempt.ip_address,
    user_agent: attempt.user_agent,
    user_id: attempt.user_id,
    email: attempt.email,
  };
  return { topic: Topic.radar, key: attempt.id, event: buildEvent('authentication.radar_risk_detected', data, environmentId) };
}

/* Keyed by the attempt: the device's first success follows the attempt's own events. */
export function knownDeviceEvent(a: RadarAttempt, firstForAccount: boolean, environmentId: string): OutboxMessage {
  const data: RadarKnownDeviceWire = {
    object: 'radar_known_device',
    attempt_id: a.id,
    user_id: a.userId,
    email: a.email,
    ip_address: a.ipAddress,
    user_agent: a.userAgent,
    country: a.country,
    first_for_account: firstForAccount,
    created_at: a.updatedAt.toISOString(),
  };
  return { topic: Topic.radar, key: a.id, event: buildEvent('radar.known_device.created', data, environmentId) };
}
