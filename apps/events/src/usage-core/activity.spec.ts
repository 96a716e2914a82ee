import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activityOf, type ProjectedEvent } from './activity';

const at = '2026-12-05T10:00:00.000Z';
const ev = (event: string, data: unknown): ProjectedEvent => ({ id: 'event_01', environmentId: 'environment_1', event, data, createdAt: at });

test('sign-ups, sign-ins and profile updates make their user active, with the event as the reason', () => {
  assert.deepEqual(activityOf(ev('user.created', { id: 'user_01A' })), { environmentId: 'environment_1', userId: 'user_01A', at: new Date(at), reason: 'user.created' });
  assert.equal(activityOf(ev('user.updated', { id: 'user_01A' }))?.userId, 'user_01A');
  assert.equal(activityOf(ev('session.created', { id: 'session_1', user_id: 'user_01B', impersonator: null }))?.userId, 'user_01B');
  assert.equal(activityOf(ev('authentication.password_succeeded', { user_id: 'user_01C' }))?.reason, 'authentication.password_succeeded');
  assert.equal(activityOf(ev('authentication.sso_succeeded', { user_id: 'user_01D' }))?.userId, 'user_01D');
});

test('failures, deletions, revocations, other events and impersonated sessions do not count', () => {
  for (const type of ['authentication.password_failed', 'user.deleted', 'session.revoked', 'organization.created', 'authentication.radar_risk_detected']) {
    assert.equal(activityOf(ev(type, { id: 'user_01A', user_id: 'user_01A' })), null, type);
  }
  assert.equal(activityOf(ev('session.created', { user_id: 'user_01A', impersonator: { email: 'admin@x', reason: null } })), null);
});

test('an event without an AuthKit user ID does not count (SSO without AuthKit, malformed data)', () => {
  assert.equal(activityOf(ev('authentication.sso_succeeded', { user_id: null })), null);
  assert.equal(activityOf(ev('authentication.password_succeeded', { user_id: 'prof_01' })), null);
  assert.equal(activityOf(ev('user.created', null)), null);
  assert.equal(activityOf(ev('user.created', { id: 42 })), null);
  assert.equal(activityOf(ev('user.created', { id: `user_${'A'.repeat(65)}` })), null);
  assert.equal(activityOf({ ...ev('user.created', { id: 'user_01A' }), createdAt: 'yesterday' }), null);
  assert.equal(activityOf(ev('toString', { id: 'user_01A' })), null, 'inherited names are not event types');
});
