import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeInMonth, transitionOf, type Transition } from './billable';

let n = 0;
const t = (entityId: string, active: boolean, at: string, kind: Transition['kind'] = 'sso_connection'): Transition => ({ eventId: `event_${String(++n).padStart(4, '0')}`, kind, entityId, active, at: new Date(at) });

test('an entity active since October still counts in December (carried over months without events)', () => {
  const all = [t('conn_1', true, '2026-10-15T00:00:00Z')];
  assert.deepEqual(activeInMonth(all, '2026-09'), { sso_connection: 0, directory: 0 });
  for (const m of ['2026-10', '2026-11', '2026-12', '2027-06']) assert.equal(activeInMonth(all, m).sso_connection, 1, m);
});

test('active at any instant of the month counts: deactivated in the month still counts, not the month after', () => {
  const all = [t('conn_1', true, '2026-10-15T00:00:00Z'), t('conn_1', false, '2026-11-02T00:00:00Z')];
  assert.equal(activeInMonth(all, '2026-11').sso_connection, 1);
  assert.equal(activeInMonth(all, '2026-12').sso_connection, 0);
});

test('activated and deactivated inside one month counts once; repeated activations count once', () => {
  const all = [t('conn_1', true, '2026-12-01T00:00:00Z'), t('conn_1', false, '2026-12-02T00:00:00Z'), t('conn_1', true, '2026-12-03T00:00:00Z'), t('conn_1', false, '2026-12-04T00:00:00Z')];
  assert.equal(activeInMonth(all, '2026-12').sso_connection, 1);
  assert.equal(activeInMonth(all, '2027-01').sso_connection, 0);
});

test('a month boundary is exact: an activation at the first instant of a month counts in it and not before', () => {
  const all = [t('conn_1', true, '2026-12-01T00:00:00.000Z'), t('conn_2', false, '2026-12-01T00:00:00.000Z'), t('conn_2', true, '2026-11-30T23:59:59.999Z')];
  assert.equal(activeInMonth(all, '2026-11').sso_connection, 1, 'conn_2 only');
  assert.equal(activeInMonth(all, '2026-12').sso_connection, 1, 'conn_1; conn_2 was deactivated at the first instant');
});

test('kinds are counted apart, later transitions never change a past month, and order of arrival does not matter', () => {
  const all = [t('dir_1', true, '2026-11-10T00:00:00Z', 'directory'), t('conn_1', true, '2026-11-11T00:00:00Z'), t('dir_1', false, '2026-12-10T00:00:00Z', 'directory'), t('dir_2', true, '2027-01-01T00:00:00Z', 'directory')];
  const expected = { sso_connection: 1, directory: 1 };
  assert.deepEqual(activeInMonth(all, '2026-12'), expected);
  assert.deepEqual(activeInMonth([...all].reverse(), '2026-12'), expected);
  assert.deepEqual(activeInMonth(all, '2027-01'), { sso_connection: 1, directory: 1 });
});

test('ties at one instant are ordered by event ID, the order the producer wrote them in', () => {
  const on = t('conn_1', true, '2026-11-30T00:00:00Z');
  const off = t('conn_1', false, '2026-11-30T00:00:00Z');
  assert.equal(activeInMonth([off, on], '2026-12').sso_connection, 0);
});

test('transitionOf reads the five lifecycle events and nothing else', () => {
  const base = { id: 'event_1', createdAt: '2026-12-01T00:00:00Z' };
  assert.deepEqual(transitionOf({ ...base, event: 'connection.activated', data: { id: 'conn_1' } }), { eventId: 'event_1', kind: 'sso_connection', entityId: 'conn_1', active: true, at: new Date(base.createdAt) });
  assert.equal(transitionOf({ ...base, event: 'connection.deleted', data: { id: 'conn_1' } })?.active, false);
  assert.equal(transitionOf({ ...base, event: 'dsync.activated', data: { id: 'directory_1' } })?.kind, 'directory');
  assert.equal(transitionOf({ ...base, event: 'dsync.deleted', data: { id: 'directory_1' } })?.active, false);
  assert.equal(transitionOf({ ...base, event: 'dsync.user.created', data: { id: 'directory_user_1' } }), null);
  assert.equal(transitionOf({ ...base, event: 'connection.activated', data: {} }), null);
  assert.equal(transitionOf({ ...base, event: 'hasOwnProperty', data: { id: 'x' } }), null);
});
