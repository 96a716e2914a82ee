import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { EventEnvelope } from '@wos/contracts';
import { organizationIdOf, toNewEvent } from './stored-event.dto';

const envelope = (event: string, data: Record<string, unknown>): EventEnvelope => ({
  object: 'event',
  id: 'event_01JAAAAAAAAAAAAAAAAAAAAAAA',
  event,
  data,
  created_at: '2026-11-01T10:00:00.123Z',
  environment_id: 'environment_1',
});

describe('organizationIdOf', () => {
  test('reads data.organization_id where the payload has one', () => {
    assert.equal(organizationIdOf(envelope('organization_domain.verified', { id: 'org_domain_1', organization_id: 'org_1' })), 'org_1');
    assert.equal(organizationIdOf(envelope('dsync.user.created', { id: 'directory_user_1', organization_id: 'org_2' })), 'org_2');
  });

  test('uses data.id for organization.* events', () => {
    assert.equal(organizationIdOf(envelope('organization.updated', { id: 'org_3' })), 'org_3');
  });

  test('reads the nested domain of organization_domain.verification_failed', () => {
    assert.equal(organizationIdOf(envelope('organization_domain.verification_failed', { reason: 'x', organization_domain: { organization_id: 'org_4' } })), 'org_4');
  });

  test('reads the group of dsync.group.user_* and the SSO context of authentication.sso_*', () => {
    assert.equal(organizationIdOf(envelope('dsync.group.user_added', { directory_id: 'directory_1', user: { id: 'u' }, group: { id: 'g', organization_id: 'org_5' } })), 'org_5');
    assert.equal(organizationIdOf(envelope('authentication.sso_succeeded', { type: 'sso', sso: { connection_id: 'conn_1', organization_id: 'org_6' } })), 'org_6');
    assert.equal(organizationIdOf(envelope('authentication.sso_failed', { type: 'sso', sso: { connection_id: null, organization_id: null } })), null);
  });

  test('is null for events about no organization', () => {
    assert.equal(organizationIdOf(envelope('user.created', { id: 'user_1' })), null);
    assert.equal(organizationIdOf(envelope('organization_membership.created', { organization_id: null })), null);
  });
});

describe('toNewEvent', () => {
  test('stores the public event, without environment_id, under its environment', () => {
    const row = toNewEvent(envelope('organization.created', { id: 'org_1' }))!;
    assert.equal(row.environmentId, 'environment_1');
    assert.equal(row.organizationId, 'org_1');
    assert.equal(row.createdAt, '2026-11-01T10:00:00.123Z');
    assert.equal('environment_id' in row.payload, false);
  });

  test('refuses events Postgres could never store', () => {
    assert.equal(toNewEvent({ ...envelope('organization.created', {}), created_at: 'not a date' }), undefined);
    assert.equal(toNewEvent(envelope('organization.created', { name: 'a\u0000b' })), undefined);
    assert.equal(toNewEvent(envelope('organization.created', { name: 'a\uD800b' })), undefined);
    assert.equal(toNewEvent({ ...envelope('organization.created', {}), environment_id: 'env\u0000' }), undefined);
  });

  test('keeps text that merely looks like an escape, and paired surrogates', () => {
    assert.ok(toNewEvent(envelope('organization.created', { name: 'a\\u0000b 😀' })));
  });
});
