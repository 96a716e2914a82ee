import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CreateWebhookEndpointEvents } from '@workos-inc/node';
import { waitFor } from '@wos/platform/testing';
import { startE2e, type E2e } from '../support/e2e-stack';
import { WebhookReceiver } from '../support/webhook-receiver';

type Ev = CreateWebhookEndpointEvents;

/**
 * Endpoint disabling needs a failing period far shorter than the default 5 days, which would
 * disable the endpoints of the other scenarios, so it runs on a stack of its own.
 */
describe('Webhooks: an endpoint failing continuously is disabled', () => {
  let e: E2e;
  const receiver = new WebhookReceiver();

  before(async () => {
    await receiver.start();
    e = await startE2e({
      name: 'webhooks-disable',
      portOffset: 16500,
      apps: ['organizations', 'events', 'webhook-dispatcher'],
      appEnv: {
        'webhook-dispatcher': {
          KAFKA_GROUP_ID: `webhooks-disable-e2e-${Date.now()}`,
          WEBHOOK_ALLOW_HTTP: 'true',
          WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
          WEBHOOK_RETRY_SCHEDULE: '300ms,300ms,500ms,1s,1s,2s,2s,2s,2s,2s,2s',
          WEBHOOK_TIMEOUT: '1s',
          WEBHOOK_DISABLE_AFTER: '4s',
          WEBHOOK_RECONCILE_INTERVAL: '500ms',
          WEBHOOK_RECONCILE_GRACE: '1s',
        },
      },
    });
  });
  after(async () => {
    await e?.stop();
    await receiver.stop();
  });

  test('after WEBHOOK_DISABLE_AFTER of failures the endpoint is disabled, recorded and visible; it then gets nothing', async () => {
    const { workos } = e;
    const apiKey = e.creds.api_key;
    const create = (path: string, status: number) => workos.webhooks.createWebhookEndpoint({ endpointUrl: receiver.on(path, () => ({ status })), events: ['organization.created'] as Ev[] });
    const dead = await create('/dead', 503);
    const alive = await create('/alive', 200);
    await workos.organizations.createOrganization({ name: 'Dead 1' });
    const detail = await waitFor(
      async () => {
        const res = await e.http('GET', `/webhook_endpoints/${dead.id}`, { key: apiKey });
        const body = res.json as { status: string; disabled_reason: string | null; disabled_at: string | null; failing_since: string | null };
        return body.status === 'disabled' ? body : undefined;
      },
      { timeoutMs: 60_000, message: 'endpoint disabled' },
    );
    assert.equal(detail.disabled_reason, 'failing');
    assert.ok(detail.failing_since && detail.disabled_at && Date.parse(detail.disabled_at) - Date.parse(detail.failing_since) >= 4000, JSON.stringify(detail));
    const listed = (await workos.webhooks.listWebhookEndpoints()).data.find((x) => x.id === dead.id)!;
    assert.equal(listed.status, 'disabled', 'the SDK object shows it');
    const log = (await e.http('GET', `/webhook_endpoints/${dead.id}/delivery_attempts?limit=100`, { key: apiKey })).json as { data: { state: string; response_status_code: number }[] };
    assert.ok(log.data.length >= 2 && log.data.every((a) => a.state === 'failed' && a.response_status_code === 503));

    const attempts = receiver.at('/dead').length;
    await workos.organizations.createOrganization({ name: 'Dead 2' });
    await waitFor(() => receiver.on2xx('/alive').length === 2, { timeoutMs: 60_000, message: 'the healthy endpoint still receives' });
    assert.equal(receiver.at('/dead').length, attempts, 'the disabled endpoint got nothing more');
    assert.equal((await workos.webhooks.listWebhookEndpoints()).data.find((x) => x.id === alive.id)!.status, 'enabled');

    // Enabling it again clears the record and deliveries resume.
    receiver.on('/dead', () => ({ status: 200 }));
    const enabled = await workos.webhooks.updateWebhookEndpoint({ id: dead.id, status: 'enabled' });
    assert.equal(enabled.status, 'enabled');
    const after = (await e.http('GET', `/webhook_endpoints/${dead.id}`, { key: apiKey })).json as { disabled_reason: string | null; failing_since: string | null };
    assert.deepEqual([after.disabled_reason, after.failing_since], [null, null]);
    await workos.organizations.createOrganization({ name: 'Alive again' });
    await waitFor(() => receiver.on2xx('/dead').length === 1, { timeoutMs: 60_000, message: 'delivery after re-enabling' });
    assert.ok(await workos.webhooks.constructEvent({ payload: receiver.on2xx('/dead')[0]!.body, sigHeader: receiver.on2xx('/dead')[0]!.signature, secret: dead.secret }));
  });
});
