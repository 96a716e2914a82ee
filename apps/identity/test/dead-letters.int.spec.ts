import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Producer } from 'kafkajs';
import { buildEvent, createKafka, createLogger, newId } from '@wos/platform';
import { testInfra, uniqueSuffix, waitFor } from '@wos/platform/testing';
import { Topic, type OrganizationWire } from '@wos/contracts';
import { startHarness, type Harness } from './support';

const ENV = 'environment_01TESTDEADLETTERS000000000000';
/* The `wos` bin (dist/test → the repository root): identity's commands come from its src/cli.ts. */
const WOS = join(__dirname, '..', '..', '..', '..', 'tools', 'wos.mjs');

/**
 * Identity's organization.deleted handler on the kit's transport (real Postgres, Redis, Kafka):
 * an event its database refuses is retried, set aside in consumer_dead_letters with the real
 * error while later events on its partition are applied, and replayed once by the CLI after the fix.
 */
describe('identity dead letters (real Postgres, Redis, Kafka)', () => {
  let h: Harness;
  let producer: Producer;
  let userId: string;

  before(async () => {
    h = await startHarness('identity_dead_letters');
    const user = await h.call(ENV, 'POST', '/user_management/users', { email: `member-${uniqueSuffix().toLowerCase()}@example.com` });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    userId = user.body.id;
    producer = createKafka({ brokers: testInfra.kafkaBrokers, clientId: `identity-dl-test-${uniqueSuffix()}`, logger: createLogger('test', 'silent') }).producer();
    await producer.connect();
  });
  after(async () => {
    await producer?.disconnect();
    await h?.close();
  });

  const orgDeleted = (id: string) => {
    const now = new Date().toISOString();
    const wire: OrganizationWire = { object: 'organization', id, name: 'Gone', allow_profiles_outside_organization: false, domains: [], external_id: null, metadata: {}, created_at: now, updated_at: now };
    return buildEvent('organization.deleted', wire, ENV);
  };
  const membership = (organizationId: string) =>
    h.sql(`INSERT INTO organization_memberships (id, environment_id, user_id, organization_id, organization_name, status, role_slugs) VALUES ($1, $2, $3, $4, 'Gone', 'active', '{member}')`, [newId('om'), ENV, userId, organizationId]);
  const memberships = async (organizationId: string) => (await h.sql(`SELECT 1 FROM organization_memberships WHERE organization_id = $1`, [organizationId])).length;
  const cli = async (...args: string[]): Promise<{ code: number; out: any }> => {
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [WOS, 'dead-letters', 'identity', ...args, '--json'], { env: { ...process.env, DATABASE_URL: h.db.url } });
      return { code: 0, out: JSON.parse(stdout) };
    } catch (err) {
      const x = err as { code?: number; stdout?: string; stderr?: string };
      if (typeof x.code !== 'number' || !x.stdout) throw new Error(`cli ${args.join(' ')}: ${x.stderr ?? String(err)}`);
      return { code: x.code, out: JSON.parse(x.stdout) };
    }
  };

  test('a refused event is dead-lettered with its error, the next one is applied, and the CLI replays it once after the fix', async () => {
    const poisoned = newId('org');
    const healthy = newId('org');
    await membership(poisoned);
    await membership(healthy);
    const poison = orgDeleted(poisoned);
    await h.sql(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'poison refused by the test'; END $$`);
    await h.sql(`CREATE TRIGGER refuse_poison BEFORE INSERT ON inbox FOR EACH ROW WHEN (NEW.event_id = '${poison.id}') EXECUTE FUNCTION refuse_poison()`);

    const key = `poison-${uniqueSuffix()}`;
    for (const event of [poison, orgDeleted(healthy)]) await producer.send({ topic: Topic.organizations, messages: [{ key, value: JSON.stringify(event) }] });

    await waitFor(async () => (await memberships(healthy)) === 0 || undefined, { timeoutMs: 90_000, message: 'the later event is applied' });
    const [row] = await waitFor(async () => {
      const rows = await h.sql(`SELECT id, error, attempts, consumer_group FROM consumer_dead_letters WHERE event_id = $1`, [poison.id]);
      return rows.length ? rows : undefined;
    }, { timeoutMs: 60_000, message: 'the poison event is dead-lettered' });
    assert.match(row.error, /poison refused by the test/);
    assert.equal(row.attempts, 5);
    assert.match(row.consumer_group, /^identity\./);
    assert.equal(await memberships(poisoned), 1, 'the refused deletion was not applied');

    const failed = await cli('replay', row.id, '--wait-ms', '30000');
    assert.equal(failed.code, 1);
    assert.match(JSON.stringify(failed.out), /poison refused by the test/);
    await h.sql('DROP TRIGGER refuse_poison ON inbox');
    const replayed = await cli('replay', row.id, '--wait-ms', '30000');
    assert.equal(replayed.code, 0, JSON.stringify(replayed.out));
    assert.equal(replayed.out.status, 'replayed');
    assert.equal((await cli('replay', row.id)).out.status, 'already_replayed');
    assert.equal(await memberships(poisoned), 0);
    assert.deepEqual(await h.sql(`SELECT count(*)::int AS n FROM inbox WHERE event_id = $1`, [poison.id]), [{ n: 1 }]);
  });
});
