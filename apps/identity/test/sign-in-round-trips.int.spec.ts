import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dbStatements, newId, redisCommands } from '@wos/platform';
import { uniqueSuffix } from '@wos/platform/testing';
import { startHarness, type Harness } from './support';

const ENV = 'environment_01TESTROUNDTRIPS00000000000';
const CLIENT = 'client_01TESTROUNDTRIPS000000000000';
const PASSWORD = 'correct horse battery staple';

/** Statements this process's pools have sent, and commands its Redis client has (db_statements_total, redis_commands_total). */
async function sent(): Promise<{ statements: number; redis: number }> {
  const statements = (await dbStatements.get()).values.find((v) => v.labels.source === 'pool')?.value ?? 0;
  const redis = (await redisCommands.get()).values[0]?.value ?? 0;
  return { statements, redis };
}

/*
 * The store round trips of a password sign-in (docs/ARCHITECTURE.md, "A password sign-in's round
 * trips"): one Redis command for the throttle (per IP and per email in one script), one statement
 * reading the user with its TOTP factors and active memberships, one writing the session, its
 * refresh token, the user's last sign-in and the events. Per-process caches (settings, JWT
 * template: 5 s each; the signing key) refresh on their own clock, so a count over a few
 * sign-ins may include one refresh of each, never one per sign-in.
 */
describe('password sign-in round trips (real Postgres, Redis, Kafka)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('identity_round_trips', { AUTH_IP_LIMIT_PER_MINUTE: '2', AUTH_EMAIL_LIMIT_PER_MINUTE: '5' });
  });
  after(async () => {
    await h?.close();
  });

  const authenticate = (body: Record<string, unknown>) => h.call(ENV, 'POST', '/user_management/authenticate', { client_id: CLIENT, grant_type: 'password', password: PASSWORD, ...body });
  const newUser = async (prefix: string) => {
    const email = `${prefix}-${uniqueSuffix().toLowerCase()}@example.com`;
    const r = await h.call(ENV, 'POST', '/user_management/users', { email, password: PASSWORD });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return { email, id: r.body.id as string };
  };
  const addMembership = (userId: string, organizationId: string) =>
    h.sql(
      `INSERT INTO organization_memberships (id, environment_id, user_id, organization_id, organization_name, status, role_slugs, source, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'Round trips', 'active', '{member}', 'api', now(), now())`,
      [newId('om'), ENV, userId, organizationId],
    );

  /*
   * `n` sign-ins of `email` (each from its own IP, so the per-IP limit stays out of the way), after
   * one that warms the caches. Statements of consumers applying events (organization.deleted from
   * other test files on the shared topic) count apart (source="consumer"), but the process's
   * background work (the mail outbox's look every 5 s, the dead-letter replay probe every 10 s)
   * shares the pool's count: a window that caught one counts it. Statements only add up, so the fewest over a few windows is the sign-ins'
   * own count (background looks fall in a window of a few sign-ins only now and then).
   */
  const WINDOWS = 8;
  let ip = 0;
  async function countSignIns(newEmail: () => Promise<string>, n: number, check: (body: any) => void) {
    const signIn = async (email: string) => {
      ip++;
      const r = await authenticate({ email, ip_address: `203.0.113.${ip}` });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      check(r.body);
    };
    await signIn(await newEmail());
    let fewest = { statements: Infinity, redis: Infinity };
    for (let w = 0; w < WINDOWS; w++) {
      const email = await newEmail(); // a user per window: the per-email limit is 5 a minute
      const before = await sent();
      for (let i = 0; i < n; i++) await signIn(email);
      const after = await sent();
      fewest = { statements: Math.min(fewest.statements, after.statements - before.statements), redis: Math.min(fewest.redis, after.redis - before.redis) };
      if (fewest.statements <= 2 * n && fewest.redis <= n) break;
    }
    return fewest;
  }

  test('a sign-in without an organization: two statements (read, write) and one Redis command', async () => {
    const n = 2;
    const c = await countSignIns(async () => (await newUser('plain')).email, n, (body) => assert.equal(body.organization_id, undefined));
    // At most one refresh of each 5-s cache (settings, JWT template) on top of 2 per sign-in.
    assert.ok(c.statements >= 2 * n && c.statements <= 2 * n + 2, `statements for ${n} sign-ins: ${c.statements}`);
    assert.equal(c.redis, n, `Redis commands for ${n} sign-ins (per IP and per email in one script)`);
  });

  test("a member of one organization gets it in the token from the same read: still two statements", async () => {
    const organizationId = newId('org');
    const member = async () => {
      const { email, id } = await newUser('member');
      await addMembership(id, organizationId);
      return email;
    };
    const n = 2;
    const c = await countSignIns(member, n, (body) => assert.equal(body.organization_id, organizationId));
    assert.ok(c.statements >= 2 * n && c.statements <= 2 * n + 2, `statements for ${n} sign-ins: ${c.statements}`);
  });

  test('a member of two organizations must choose; the choices come from the sign-in read', async () => {
    const { email, id } = await newUser('two-orgs');
    const orgs = [newId('org'), newId('org')].sort();
    for (const o of orgs) await addMembership(id, o);
    const r = await authenticate({ email, ip_address: '203.0.113.200' });
    assert.equal(r.status, 403, JSON.stringify(r.body));
    assert.equal(r.body.code, 'organization_selection_required');
    assert.deepEqual(r.body.organizations.map((o: { id: string }) => o.id), orgs);
  });

  test('the per-IP counter refuses first and then spends nothing of the per-email one', async () => {
    const { email } = await newUser('throttle');
    const wrong = (ip: string) => authenticate({ email, password: 'wrong password', ip_address: ip });
    // IP limit 2, email limit 5.
    assert.equal((await wrong('198.51.100.7')).status, 400);
    assert.equal((await wrong('198.51.100.7')).status, 400);
    const byIp = await wrong('198.51.100.7');
    assert.equal(byIp.status, 429, 'the third from one IP');
    assert.ok(Number(byIp.headers.get('retry-after')) >= 1);
    // The email has been counted twice, not three times: three more attempts are answered.
    for (const ip of ['198.51.100.8', '198.51.100.9', '198.51.100.10']) assert.equal((await wrong(ip)).status, 400, ip);
    assert.equal((await wrong('198.51.100.11')).status, 429, 'the sixth for the email');
  });
});
