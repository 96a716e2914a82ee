import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '@workos-inc/node';
import { eventsExactlyOnceInOrder, no5xxOutsideWindows, resentAfterKill, resentBetween } from './invariants';
import type { ReceivedDelivery } from '../support/webhook-receiver';
import type { Write } from './workload';

/* The chaos suite's checks must be able to fail: each rule against a history that breaks it. */
const ev = (id: string, event: string, data: Record<string, unknown>) => ({ id, event, data }) as unknown as Event;
const w = (kind: Write['kind'], key: string, organizationId: string | undefined, acked = true): Write => ({ kind, key, organizationId, acked, at: 0 });
const created = (n: string) => ev(`event_${n}`, 'organization.created', { id: 'org_1', name: n });
const writes = [w('organization.created', 'a', 'org_1'), w('organization.updated', 'a v1', 'org_1'), w('organization.updated', 'a v2', 'org_1', false)];

test('events: exactly once, in order, an ambiguous write at most once', () => {
  const ok = [created('a'), ev('event_2', 'organization.updated', { id: 'org_1', name: 'a v1' })];
  assert.equal(eventsExactlyOnceInOrder(ok, [writes]).pass, true);
  assert.equal(eventsExactlyOnceInOrder([...ok, ev('event_3', 'organization.updated', { id: 'org_1', name: 'a v2' })], [writes]).pass, true, 'an ambiguous write may have happened');
  assert.match(eventsExactlyOnceInOrder([ok[0]!], [writes]).detail, /no event for acked organization.updated a v1/);
  assert.match(eventsExactlyOnceInOrder([...ok, ok[1]!], [writes]).detail, /stored twice/);
  assert.match(eventsExactlyOnceInOrder([...ok, ev('event_9', 'organization.updated', { id: 'org_1', name: 'a v1' })], [writes]).detail, /a v1 has 2 events/);
  assert.match(eventsExactlyOnceInOrder([ok[1]!, ok[0]!], [writes]).detail, /stored before/);
});

test('no 5xx outside the windows; an unanswered request counts as one', () => {
  const records = [
    { at: 100, method: 'GET', path: '/x', status: 502 },
    { at: 300, method: 'GET', path: '/y', status: 0, error: 'refused' },
    { at: 400, method: 'GET', path: '/z', status: 404 },
  ];
  assert.equal(no5xxOutsideWindows(records, [{ start: 50, end: 350 }], 0).pass, true);
  assert.match(no5xxOutsideWindows(records, [{ start: 50, end: 150 }], 0).detail, /1 outside the window.*\/y refused/);
  assert.equal(no5xxOutsideWindows(records, [], 350).pass, true, 'records before the round are not its business');
});

test('webhooks: only a delivery answered just before the dispatcher was killed may arrive twice', () => {
  const d = (eventId: string, at: number) => ({ eventId, at }) as ReceivedDelivery;
  const killedAt = 10_000;
  const delivered = [
    d('in_flight', 9_990), d('in_flight', 40_000), d('earlier', 1_000), d('earlier', 40_001), d('thrice', 9_995), d('thrice', 40_002), d('thrice', 40_003),
    // Sent before the kill, stamped by the test's receiver just after it.
    d('stamped_after', 10_010), d('stamped_after', 40_004),
    d('after_restart', 12_000), d('after_restart', 40_005),
  ];
  assert.deepEqual(resentAfterKill(delivered, killedAt), ['in_flight', 'stamped_after']);
});

test('webhooks: a delivery answered while Postgres was down may arrive twice; one answered outside that window may not', () => {
  const d = (eventId: string, at: number) => ({ eventId, at }) as ReceivedDelivery;
  const delivered = [d('in_outage', 5_000), d('in_outage', 60_000), d('before', 900), d('before', 60_001), d('thrice', 5_500), d('thrice', 60_002), d('thrice', 60_003), d('once', 6_000)];
  assert.deepEqual(resentBetween(delivered, 1_000, 8_000), ['in_outage']);
});
