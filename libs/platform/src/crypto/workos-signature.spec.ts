import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkOS } from '@workos-inc/node';
import { signatureHeader } from './workos-signature';

const workos = new WorkOS('sk_test_unit');
const body = JSON.stringify({ object: 'event', id: 'event_01ARZ3NDEKTSV4RRFFQ69G5FAV', event: 'organization.created', data: { object: 'organization', id: 'org_1', name: 'Ünïcode ✓', domains: [], created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' }, created_at: '2026-01-01T00:00:00.000Z' });

test('the SDK constructEvent accepts our header, and rejects a wrong secret or a changed body', async () => {
  const header = signatureHeader(body, ['whsec_abc']);
  assert.match(header, /^t=\d{13}, v1=[0-9a-f]{64}$/);
  const event = await workos.webhooks.constructEvent({ payload: body, sigHeader: header, secret: 'whsec_abc' });
  assert.equal(event.id, 'event_01ARZ3NDEKTSV4RRFFQ69G5FAV');
  await assert.rejects(workos.webhooks.constructEvent({ payload: body, sigHeader: header, secret: 'whsec_other' }));
  await assert.rejects(workos.webhooks.constructEvent({ payload: body.replace('Ün', 'Un'), sigHeader: header, secret: 'whsec_abc' }));
});

test('the timestamp is milliseconds: an old one falls outside the SDK tolerance', async () => {
  const stale = signatureHeader(body, ['whsec_abc'], Date.now() - 181_000);
  await assert.rejects(workos.webhooks.constructEvent({ payload: body, sigHeader: stale, secret: 'whsec_abc' }), /tolerance/);
});

test('during a rotation the previous secret signs first, so the SDK verifies with it', async () => {
  const header = signatureHeader(body, ['whsec_old', 'whsec_new']);
  assert.equal(header.split(', ').length, 3);
  assert.ok(await workos.webhooks.constructEvent({ payload: body, sigHeader: header, secret: 'whsec_old' }));
  const [t, , second] = header.split(', ');
  assert.ok(await workos.webhooks.constructEvent({ payload: body, sigHeader: `${t}, ${second}`, secret: 'whsec_new' }));
});
