import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { auditLogOcsfSchema, type AuditLogEventWire } from '@wos/contracts';
import { toOcsf } from './ocsf';

const event = (action: string, over: Partial<AuditLogEventWire> = {}): AuditLogEventWire => ({
  object: 'audit_log_event',
  id: 'audit_log_event_01',
  organization_id: 'org_01',
  action,
  version: 2,
  occurred_at: '2026-12-01T10:00:00.000Z',
  actor: { id: 'user_1', type: 'user', name: 'Jon', metadata: { role: 'admin' } },
  targets: [{ id: 'team_1', type: 'team' }],
  context: { location: '203.0.113.7', user_agent: 'Chrome/104' },
  metadata: { extra: 'data' },
  created_at: '2026-12-01T10:00:01.000Z',
  ...over,
});

describe('OCSF rendering', () => {
  test('classes and activities follow the action words', () => {
    const cases: [string, number, number, number][] = [
      ['user.signed_in', 3002, 1, 1],
      ['user.login_failed', 3002, 1, 2],
      ['user.signed_out', 3002, 2, 1],
      ['user.created', 3001, 1, 1],
      ['user.password_reset', 3001, 4, 1],
      ['user.password_changed', 3001, 3, 1],
      ['member.removed', 3001, 6, 1],
      ['document.created', 6003, 1, 1],
      ['document.viewed', 6003, 2, 1],
      ['team.renamed', 6003, 3, 1],
      ['api_key.revoked', 6003, 4, 1],
      ['invoice.paid', 6003, 99, 1],
      ['document.access_denied', 6003, 99, 2],
    ];
    for (const [action, cls, activity, status] of cases) {
      const o = toOcsf(event(action), 'environment_1');
      assert.deepEqual([o.class_uid, o.activity_id, o.status_id], [cls, activity, status], action);
      assert.equal(o.type_uid, cls * 100 + activity, action);
      auditLogOcsfSchema.parse(o);
    }
  });

  test('fields: time, tenant, actor, resources, endpoint, user agent, and what OCSF has no place for', () => {
    const o = toOcsf(event('user.signed_in', { targets: [{ id: 'user_9', type: 'user', name: 'Ann', metadata: { k: 'v' } }] }), 'environment_1');
    assert.equal(o.time, Date.parse('2026-12-01T10:00:00.000Z'));
    assert.equal(o.metadata.uid, 'audit_log_event_01');
    assert.equal(o.metadata.tenant_uid, 'org_01');
    assert.deepEqual(o.actor, { user: { uid: 'user_1', type: 'user', name: 'Jon' } });
    assert.deepEqual(o.user, { uid: 'user_9', type: 'user', name: 'Ann' });
    assert.deepEqual(o.src_endpoint, { ip: '203.0.113.7' });
    assert.deepEqual(o.http_request, { user_agent: 'Chrome/104' });
    assert.deepEqual(o.unmapped, { action: 'user.signed_in', version: 2, location: '203.0.113.7', environment_id: 'environment_1', actor_metadata: { role: 'admin' }, target_metadata: [{ k: 'v' }], metadata: { extra: 'data' } });
    const api = toOcsf(event('document.viewed', { context: { location: 'Berlin' } }), 'environment_1');
    assert.deepEqual(api.api, { operation: 'document.viewed' });
    assert.equal(api.user, undefined);
    assert.equal(api.src_endpoint, undefined, 'a location that is not an IP stays in unmapped');
  });
});
