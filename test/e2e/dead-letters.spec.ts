import { describe, test, before, after } from 'node:test';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import type { Producer } from 'kafkajs';
import { NotFoundException, type Organization } from '@workos-inc/node';
import { Topic } from '@wos/contracts';
import { buildEvent, createKafka, createLogger } from '@wos/platform';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { startE2e, expectSdkError, listAllEvents, ROOT, type E2e } from '../support/e2e-stack';

/*
 * Poison messages on organizations.events.v1, which all three consuming services read: events,
 * webhook-dispatcher and directory-sync. A message is produced straight to Kafka (as a buggy or
 * hostile producer would), and failures are real Postgres errors raised by a trigger in the
 * service's own database, which the test then drops (the "fix").
 */
const CONSUMERS = ['events', 'webhook-dispatcher', 'directory-sync'] as const;
type ConsumerApp = (typeof CONSUMERS)[number];

describe('Poison messages: every consumer dead-letters them, moves on, and replays them from its CLI', () => {
  let e: E2e;
  let producer: Producer;
  const dbs = new Map<ConsumerApp, Client>();

  before(async () => {
    e = await startE2e({ name: 'dead_letters', portOffset: 2500, apps: ['organizations', 'events', 'directory-sync', 'webhook-dispatcher'] });
    for (const app of CONSUMERS) {
      const c = new Client({ connectionString: e.stack.databaseUrl(app) });
      await c.connect();
      dbs.set(app, c);
    }
    const kafka = createKafka({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: `dead-letters-e2e-${uniqueSuffix()}`, logger: createLogger('e2e', 'silent') });
    producer = kafka.producer();
    await producer.connect();
  });
  after(async () => {
    await producer?.disconnect();
    for (const c of dbs.values()) await c.end();
    await e?.stop();
  });

  const db = (app: ConsumerApp) => dbs.get(app)!;

  async function orgWithDirectory(name: string): Promise<{ org: Organization; directoryId: string }> {
    const org = await e.workos.organizations.createOrganization({ name });
    const res = await e.http('POST', '/directories', { key: true, body: { organization_id: org.id, name, type: 'okta scim v2.0' } });
    assert.equal(res.status, 201, res.text);
    return { org, directoryId: (res.json as { id: string }).id };
  }

  /** The organization wire of an organization.* event, as the organizations service would write it. */
  function deletedEvent(org: Organization) {
    const now = new Date().toISOString();
    return buildEvent(
      'organization.deleted',
      { object: 'organization', id: org.id, name: org.name, allow_profiles_outside_organization: false, domains: [], external_id: null, metadata: {}, created_at: now, updated_at: now },
      e.creds.environment_id,
    );
  }

  async function produce(key: string, value: unknown): Promise<void> {
    await producer.send({ topic: Topic.organizations, messages: [{ key, value: typeof value === 'string' ? value : JSON.stringify(value) }] });
  }

  async function deadLetters(app: ConsumerApp, where: string, values: unknown[]) {
    return (await db(app).query(`SELECT id, event_id, error, attempts, replayed_at FROM consumer_dead_letters WHERE ${where} ORDER BY id`, values)).rows;
  }

  async function cli(app: ConsumerApp, ...args: string[]): Promise<{ code: number; out: unknown }> {
    const env = { ...process.env, DATABASE_URL: e.stack.databaseUrl(app) };
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'tools', 'wos.mjs'), 'dead-letters', app, ...args, '--json'], { env });
      return { code: 0, out: JSON.parse(stdout) };
    } catch (err) {
      const x = err as { code?: number; stdout?: string; stderr?: string };
      if (typeof x.code !== 'number' || !x.stdout) throw new Error(`cli ${app} ${args.join(' ')}: ${x.stderr ?? String(err)}`);
      return { code: x.code, out: JSON.parse(x.stdout) };
    }
  }

  async function directoryGone(id: string): Promise<void> {
    await waitFor(async () => (await e.http('GET', `/directories/${id}`, { key: true })).status === 404 || undefined, { timeoutMs: 60_000, message: `directory ${id} removed` });
  }

  test('an envelope with an impossible created_at is dead-lettered at once by all three; the next event on its partition is applied by all three', async () => {
    const { org, directoryId } = await orgWithDirectory(`Bad date ${uniqueSuffix()}`);
    const bad = { ...deletedEvent(org), created_at: '2026-02-30T10:00:00.000Z' };
    await produce(org.id, bad);
    // The next event on the same key (so the same partition): the organization really deleted.
    await e.workos.organizations.deleteOrganization(org.id);
    await directoryGone(directoryId);
    await waitFor(async () => (await listAllEvents(e.workos, ['organization.deleted'])).some((ev) => (ev.data as { id: string }).id === org.id) || undefined, { timeoutMs: 60_000, message: 'organization.deleted stored' });
    const deleted = (await listAllEvents(e.workos, ['organization.deleted'])).filter((ev) => (ev.data as { id: string }).id === org.id);
    assert.equal(deleted.length, 1, 'only the real event is stored');
    await waitFor(async () => (await db('webhook-dispatcher').query('SELECT 1 FROM inbox WHERE event_id = $1', [deleted[0]!.id])).rowCount === 1 || undefined, { message: 'webhook-dispatcher consumed the real event' });
    for (const app of CONSUMERS) {
      const rows = await waitFor(async () => {
        const r = await db(app).query(`SELECT error, attempts FROM consumer_dead_letters WHERE convert_from(message_value, 'UTF8') LIKE $1`, [`%${bad.id}%`]);
        return r.rows.length ? r.rows : undefined;
      }, { message: `${app} dead-lettered the bad envelope` });
      assert.equal(rows.length, 1, app);
      assert.match(rows[0].error, /created_at/, app);
      assert.equal(rows[0].attempts, 0, app);
    }
  });

  test('an event whose handler fails is dead-lettered by each consumer, later events are applied, and the CLI replays it exactly once after the fix', async () => {
    const poisoned = await orgWithDirectory(`Poisoned ${uniqueSuffix()}`);
    const healthy = await orgWithDirectory(`Healthy ${uniqueSuffix()}`);
    const poison = deletedEvent(poisoned.org);
    const later = deletedEvent(healthy.org);
    // "The bug": each service's database refuses the poison event.
    const refuse = (table: string, condition: string) => `
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'poison refused by the test'; END $$;
      CREATE TRIGGER refuse_poison BEFORE INSERT ON ${table} FOR EACH ROW WHEN (${condition}) EXECUTE FUNCTION refuse_poison();`;
    await db('events').query(refuse('events', `NEW.id = '${poison.id}'`));
    await db('webhook-dispatcher').query(refuse('inbox', `NEW.event_id = '${poison.id}'`));
    await db('directory-sync').query(refuse('inbox', `NEW.event_id = '${poison.id}'`));

    const key = `poison-${uniqueSuffix()}`;
    await produce(key, poison);
    await produce(key, later);

    // Later events are applied by every consumer...
    await directoryGone(healthy.directoryId);
    await waitFor(async () => (await listAllEvents(e.workos, ['organization.deleted'])).some((ev) => ev.id === later.id) || undefined, { timeoutMs: 60_000, message: 'the later event stored' });
    await waitFor(async () => (await db('webhook-dispatcher').query('SELECT 1 FROM inbox WHERE event_id = $1', [later.id])).rowCount === 1 || undefined, { message: 'webhook-dispatcher applied the later event' });
    // ...and the poison is set aside by each, after its retries.
    const ids = new Map<ConsumerApp, string>();
    for (const app of CONSUMERS) {
      const [row] = await waitFor(async () => {
        const r = await deadLetters(app, 'event_id = $1', [poison.id]);
        return r.length ? r : undefined;
      }, { timeoutMs: 60_000, message: `${app} dead-lettered the poison event` });
      assert.match(row.error, /poison refused by the test/, app);
      assert.equal(row.attempts, 5, app);
      ids.set(app, row.id);
    }
    assert.equal((await e.http('GET', `/directories/${poisoned.directoryId}`, { key: true })).status, 200, 'the poisoned deletion was not applied');
    const listed = await cli('directory-sync', 'list');
    assert.ok((listed.out as { event_id: string }[]).some((d) => d.event_id === poison.id));

    // Replay before the fix fails and says why; after the fix it applies once; again is a no-op.
    for (const app of CONSUMERS) {
      const failed = await cli(app, 'replay', ids.get(app)!, '--wait-ms', '30000');
      assert.equal(failed.code, 1, app);
      assert.match(JSON.stringify(failed.out), /poison refused by the test/, app);
      await db(app).query('DROP TRIGGER refuse_poison ON ' + (app === 'events' ? 'events' : 'inbox'));
      const replayed = await cli(app, 'replay', ids.get(app)!, '--wait-ms', '30000');
      assert.equal(replayed.code, 0, `${app}: ${JSON.stringify(replayed.out)}`);
      assert.equal((replayed.out as { status: string }).status, 'replayed', app);
      const again = await cli(app, 'replay', ids.get(app)!);
      assert.equal((again.out as { status: string }).status, 'already_replayed', app);
    }
    await expectSdkError(e.workos.directorySync.getDirectory(poisoned.directoryId), NotFoundException, 404);
    const stored = (await listAllEvents(e.workos, ['organization.deleted'])).filter((ev) => ev.id === poison.id);
    assert.equal(stored.length, 1, 'the events service stored the replayed event once');
    assert.equal((await db('webhook-dispatcher').query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [poison.id])).rows[0].n, 1);
    assert.equal((await db('directory-sync').query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [poison.id])).rows[0].n, 1);
  });
});
