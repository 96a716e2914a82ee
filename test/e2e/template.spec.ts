import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import type { AppName } from '@wos/platform/stack';
import { createKafka, createLogger } from '@wos/platform';
import { testSlot, waitFor } from '@wos/platform/testing';
import { startE2e, ROOT, type E2e } from '../support/e2e-stack';
import { scratchCheckout, type ScratchCheckout } from '../support/scratch-checkout';

/*
 * The service template's own end-to-end test (issue 10: "the template's app passes its own e2e
 * test in CI"). In a scratch copy of this checkout it runs the generator as a developer would
 * (`nx g @wos/platform:service`), generates the new app's Prisma client, builds what the generator
 * changed (the new app, and the contracts, platform and gateway it registered the app in), and
 * starts the new app with the gateway, organizations and events from that copy: the stack runner,
 * the gateway's route table and the event contracts all come from the generator's output. Then,
 * through the gateway: the app's /health, its route, its outbox (the event reaches GET /events),
 * and its consumer (organization.deleted removes the organization's samples and records the event
 * in its inbox). Everything it made goes at the end: processes, databases, topic, the copy.
 */
const APP = `template-check${testSlot ? `-s${testSlot}` : ''}`;
const SNAKE = APP.replace(/-/g, '_');
const TOPIC = `${APP}.events.v1`;
/* What the copy needs built: the generator edits contracts, platform (the catalogue) and the gateway. */
const BUILT = ['libs/contracts', 'libs/platform', 'apps/api-gateway', 'apps/events', 'apps/organizations'];

interface Sample {
  object: string;
  id: string;
  organization_id: string;
  name: string;
  created_at: string;
}

async function deleteTopic(): Promise<void> {
  const admin = createKafka({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: 'template-e2e', logger: createLogger('template-e2e', 'silent') }).admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(TOPIC)) await admin.deleteTopics({ topics: [TOPIC] });
  } finally {
    await admin.disconnect();
  }
}

describe('an app generated from the service template', () => {
  let scratch: ScratchCheckout | undefined;
  let e: E2e | undefined;
  const timings: string[] = [];
  const timed = <T>(step: string, run: () => T): T => {
    const start = Date.now();
    try {
      return run();
    } finally {
      timings.push(`${step} ${((Date.now() - start) / 1000).toFixed(1)} s`);
    }
  };

  before(async () => {
    // A topic left by an interrupted run would replay its samples into this run's events.
    await deleteTopic();
    scratch = timed('copy', () => scratchCheckout(ROOT, BUILT));
    const nx = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_INTERACTIVE: 'false' };
    timed('generate', () => scratch!.node('node_modules/nx/bin/nx.js', ['g', '@wos/platform:service', APP, '--no-interactive'], nx));
    timed('prisma client', () => scratch!.node('tools/prisma-generate.mjs', [APP]));
    timed('build', () => scratch!.node('node_modules/typescript/bin/tsc', ['-b', `apps/${APP}`, 'apps/api-gateway']));
    const start = Date.now();
    e = await startE2e({ name: 'template', portOffset: 3500, root: scratch.root, apps: ['organizations', 'events', APP as AppName] });
    timings.push(`stack ${((Date.now() - start) / 1000).toFixed(1)} s`);
  });

  after(async () => {
    await e?.stop();
    await e?.stack.dropDatabases();
    await deleteTopic().catch(() => undefined);
    scratch?.remove();
    if (timings.length) console.log(`template e2e: ${timings.join(', ')}`);
  });

  const prefix = `/${SNAKE}/template_samples`;
  const eventType = (change: string) => `${SNAKE}.template_sample.${change}`;

  /** The stored events of one type (raw HTTP: the SDK knows only WorkOS's event types). */
  async function events(type: string): Promise<{ id: string; event: string; data: Sample }[]> {
    const res = await e!.http('GET', `/events?events=${type}&limit=100`, { key: true });
    assert.equal(res.status, 200, res.text);
    return (res.json as { data: { id: string; event: string; data: Sample }[] }).data;
  }

  test("the generated app's own tests pass", () => {
    scratch!.node('--test', [`apps/${APP}/dist/test/schema-drift.spec.js`]);
  });

  test('the generated app serves /health, and the gateway routes its API to it', async () => {
    for (const probe of ['/health', '/ready']) {
      const res = await fetch(`http://127.0.0.1:${e!.stack.port(APP as AppName)}${probe}`);
      assert.equal(res.status, 200, `${APP} ${probe}: ${await res.text()}`);
    }
    const created = await e!.http('POST', prefix, { key: true, body: { organization_id: 'org_01HZZZZZZZZZZZZZZZZZZZZZZZ', name: 'routed' } });
    assert.equal(created.status, 201, created.text);
    const sample = created.json as Sample;
    assert.equal(sample.object, 'template_sample');
    assert.match(sample.id, /^template_sample_[0-9A-HJKMNP-TV-Z]{26}$/);
    const read = await e!.http('GET', `${prefix}/${sample.id}`, { key: true });
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.json, sample);

    const bad = await e!.http('POST', prefix, { key: true, body: { organization_id: '', name: 7 } });
    assert.equal(bad.status, 422, bad.text);
    assert.equal((bad.json as { code: string }).code, 'invalid_request_parameters');
    assert.equal((await e!.http('GET', prefix.replace('template_samples', 'nothing_here'), { key: true })).status, 404);
    const openapi = await e!.http('GET', '/openapi.json');
    assert.equal(openapi.status, 200);
    assert.ok(Object.keys((openapi.json as { paths: Record<string, unknown> }).paths).some((p) => p.startsWith(prefix)), `${prefix} in /openapi.json`);
  });

  test('a write publishes through the outbox to GET /events, and organization.deleted is consumed once, through the inbox', async () => {
    const org = await e!.workos.organizations.createOrganization({ name: `${APP} org` });
    const created = await e!.http('POST', prefix, { key: true, body: { organization_id: org.id, name: 'first' } });
    assert.equal(created.status, 201, created.text);
    const sample = created.json as Sample;

    const stored = await waitFor(async () => (await events(eventType('created'))).find((ev) => ev.data.id === sample.id), {
      timeoutMs: 60_000,
      message: `${eventType('created')} for ${sample.id} on GET /events`,
    });
    assert.deepEqual(stored.data, sample);

    await e!.workos.organizations.deleteOrganization(org.id);
    await waitFor(async () => ((await e!.http('GET', `${prefix}/${sample.id}`, { key: true })).status === 404 ? true : undefined), {
      timeoutMs: 60_000,
      message: `${APP} removes the samples of a deleted organization`,
    });
    const deleted = await waitFor(async () => (await events(eventType('deleted'))).find((ev) => ev.data.id === sample.id), {
      timeoutMs: 60_000,
      message: `${eventType('deleted')} for ${sample.id}`,
    });
    assert.equal(deleted.data.organization_id, org.id);

    // The consumed event is in the app's inbox, once, under the sample consumer's name.
    const orgDeleted = (await events('organization.deleted')).find((ev) => ev.data.id === org.id);
    assert.ok(orgDeleted, `organization.deleted for ${org.id} on GET /events`);
    const db = new Client({ connectionString: e!.stack.databaseUrl(APP as AppName) });
    await db.connect();
    try {
      const { rows } = await db.query<{ consumer: string }>('SELECT consumer FROM inbox WHERE event_id = $1', [orgDeleted.id]);
      assert.deepEqual(rows, [{ consumer: `${APP}.organization-deleted` }]);
    } finally {
      await db.end();
    }
  });
});
