import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { waitFor } from '@wos/platform/testing';
import { patchOp, SCIM_ERROR, SCIM_GROUP, SCIM_USER, startHarness, type Harness, type Reply, type TestDirectory } from './support';

const ENV_A = 'environment_01TESTENVA000000000000000000';
const ENV_B = 'environment_01TESTENVB000000000000000000';
const MAX_MEMBERS = 3;

describe('SCIM security (real Postgres and Kafka, the service in this process)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('dsync_security', { SCIM_MAX_GROUP_MEMBERS: String(MAX_MEMBERS) });
  });
  after(async () => {
    await h?.close();
  });

  const created = async (dir: TestDirectory, path: string, body: unknown) => {
    const r = await dir.scim('POST', path, body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string };
  };
  const newUser = (dir: TestDirectory, userName: string) => created(dir, '/Users', { schemas: [SCIM_USER], userName, emails: [{ value: userName, primary: true }] });
  const newGroup = (dir: TestDirectory, displayName: string, members: string[] = []) =>
    created(dir, '/Groups', { schemas: [SCIM_GROUP], displayName, members: members.map((value) => ({ value })) });

  test('H1: pollution attempts over HTTP are SCIM 400s, Object.prototype stays clean and other tenants are served', async () => {
    const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
    const attacker = await h.directory(ENV_A);
    const victim = await h.directory(ENV_B);
    const u = await newUser(attacker, 'attacker@a.example');
    const g = await newGroup(attacker, 'Attackers');

    // pg's Query reads config.rowMode: polluted, every query of every tenant would return arrays.
    const ops = [
      '{"op":"replace","value":{"__proto__.rowMode":"array"}}',
      '{"op":"add","value":{"constructor.prototype.rowMode":"array"}}',
      '{"op":"replace","value":{"constructor":{"prototype.rowMode":"array"}}}',
      '{"op":"add","path":"__proto__.rowMode","value":"array"}',
      '{"op":"add","path":"constructor.prototype.rowMode","value":"array"}',
      '{"op":"add","path":"__proto__","value":{"rowMode":"array"}}',
      '{"op":"add","path":"__proto__:rowMode","value":"array"}',
      '{"op":"replace","path":"name","value":{"constructor.prototype.rowMode":"array"}}',
      '{"op":"remove","path":"constructor.prototype.hasOwnProperty"}',
    ];
    const patchBody = (op: string) => `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[${op}]}`;
    const attempts: [string, string, string][] = [
      ...ops.map((op): [string, string, string] => ['PATCH', `/Users/${u.id}`, patchBody(op)]),
      ...ops.map((op): [string, string, string] => ['PATCH', `/Groups/${g.id}`, patchBody(op)]),
      ['POST', '/Users', '{"userName":"p1@a.example","name":{"constructor.prototype.rowMode":"array"}}'],
      ['POST', '/Users', '{"userName":"p2@a.example","constructor":{"prototype.rowMode":"array"}}'],
      ['PUT', `/Users/${u.id}`, '{"userName":"attacker@a.example","emails":[{"value":"x@a.example","__proto__.rowMode":"array"}]}'],
      ['POST', '/Groups', '{"displayName":"P","constructor.prototype.rowMode":"array"}'],
    ];
    const wrong: string[] = [];
    for (const [method, path, body] of attempts) {
      const r = await attacker.scim(method, path, body);
      const ok = r.status === 400 && r.body?.schemas?.[0] === SCIM_ERROR && ['invalidPath', 'invalidValue', 'invalidSyntax'].includes(r.body.scimType);
      if (!ok) wrong.push(`${method} ${path} ${body} -> ${r.status} ${JSON.stringify(r.body)}`);
    }
    assert.deepEqual(wrong, []);
    assert.equal(({} as Record<string, unknown>).rowMode, undefined);
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeNames);

    // The other environment's IdP and API keep working, and the attacker's own user is as it was.
    const v = await newUser(victim, 'victim@b.example');
    const found = await victim.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "victim@b.example"')}`);
    assert.deepEqual(found.body.Resources.map((x: { id: string }) => x.id), [v.id]);
    assert.equal((await victim.scim('PATCH', `/Users/${v.id}`, patchOp({ op: 'replace', path: 'active', value: false }))).body.active, false);
    const api = await h.api(ENV_B, 'GET', `/directory_users?directory=${victim.id}`);
    assert.equal(api.status, 200, JSON.stringify(api.body));
    assert.deepEqual(api.body.data.map((x: { email: string; state: string }) => [x.email, x.state]), [['victim@b.example', 'inactive']]);
    assert.equal((await h.api(ENV_B, 'GET', `/directory_users/${u.id}`)).status, 404);
    const mine = await attacker.scim('GET', `/Users/${u.id}`);
    assert.equal(mine.body.userName, 'attacker@a.example');
    assert.equal(mine.body.name, undefined);
  });

  describe('L9a: deleting a user while a group gains it', () => {
    /** Resolves once `n` sessions of the test database wait on a row lock. */
    const lockWaiters = (n: number) =>
      waitFor(async () => Number((await h.sql(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))[0].n) >= n, {
        timeoutMs: 15_000,
        message: `${n} sessions waiting on a lock`,
      });
    const eventsOf = async (userId: string) => (await h.outbox()).filter((e) => e.data?.user?.id === userId || e.data?.id === userId).map((e) => e.event);

    test('an add already holding its key lock commits first, and the delete then emits its user_removed', async () => {
      const dir = await h.directory(ENV_A);
      const u = await newUser(dir, 'leaver1@a.example');
      const g = await newGroup(dir, 'Joined late');
      // Stands in for a membership insert's foreign key check that is under way.
      const holder = new Client({ connectionString: h.db.url });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM directory_users WHERE id = $1 FOR KEY SHARE', [u.id]);
        const deletion = dir.scim('DELETE', `/Users/${u.id}`);
        await lockWaiters(1);
        const add = await dir.scim('PATCH', `/Groups/${g.id}?excludedAttributes=members`, patchOp({ op: 'add', path: 'members', value: [{ value: u.id }] }));
        assert.equal(add.status, 200, JSON.stringify(add.body));
        await holder.query('COMMIT');
        assert.equal((await deletion).status, 204);
      } finally {
        await holder.end();
      }
      assert.deepEqual(await eventsOf(u.id), ['dsync.user.created', 'dsync.group.user_added', 'dsync.group.user_removed', 'dsync.user.deleted']);
      assert.deepEqual(await h.sql('SELECT 1 FROM directory_group_members WHERE group_id = $1', [g.id]), []);
    });

    test('an add that comes while the delete holds the user is a 4xx with no user_added, and the delete removes the rest', async () => {
      const dir = await h.directory(ENV_A);
      const u = await newUser(dir, 'leaver2@a.example');
      const member = await newGroup(dir, 'Already a member', [u.id]);
      const g = await newGroup(dir, 'Too late');
      // Pauses the delete after it locked the user: it waits for this membership row.
      const holder = new Client({ connectionString: h.db.url });
      await holder.connect();
      let add: Promise<Reply> | undefined;
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM directory_group_members WHERE group_id = $1 AND user_id = $2 FOR UPDATE', [member.id, u.id]);
        const deletion = dir.scim('DELETE', `/Users/${u.id}`);
        await lockWaiters(1);
        add = dir.scim('PATCH', `/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: u.id }] }));
        await lockWaiters(2);
        await holder.query('COMMIT');
        assert.equal((await deletion).status, 204);
      } finally {
        await holder.end();
      }
      const r = await add!;
      assert.ok(r.status >= 400 && r.status < 500 && r.body.schemas[0] === SCIM_ERROR, `${r.status} ${JSON.stringify(r.body)}`);
      assert.deepEqual(await eventsOf(u.id), ['dsync.user.created', 'dsync.group.user_added', 'dsync.group.user_removed', 'dsync.user.deleted']);
      const removed = (await h.outbox()).find((e) => e.event === 'dsync.group.user_removed' && e.data.user.id === u.id)!;
      assert.equal(removed.data.group.id, member.id);
    });
  });

  test(`L9c: no SCIM response carries more than SCIM_MAX_GROUP_MEMBERS (${MAX_MEMBERS}) members`, async () => {
    const dir = await h.directory(ENV_A);
    const users: string[] = [];
    for (let i = 0; i < 5; i++) users.push((await newUser(dir, `m${i}@a.example`)).id);
    // Group IDs are ULIDs, so the list order is creation order.
    const two = await newGroup(dir, 'Two', users.slice(0, 2));
    const one = await newGroup(dir, 'One', users.slice(2, 3));
    const big = await newGroup(dir, 'Big', users.slice(0, 4));
    assert.equal((big as { members?: unknown }).members, undefined, 'a write over the cap answers without members');

    const refused = await dir.scim('GET', `/Groups/${big.id}`);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.scimType, 'tooMany');
    assert.match(refused.body.detail, /excludedAttributes=members/);
    const bare = await dir.scim('GET', `/Groups/${big.id}?excludedAttributes=members`);
    assert.equal(bare.status, 200);
    assert.equal(bare.body.members, undefined);
    assert.equal((await dir.scim('GET', `/Groups/${two.id}`)).body.members.length, 2);

    // A write over the cap commits and answers without members.
    const grown = await dir.scim('PATCH', `/Groups/${big.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: users[4] }] }));
    assert.equal(grown.status, 200);
    assert.equal(grown.body.members, undefined);
    assert.equal((await h.sql('SELECT count(*)::int AS n FROM directory_group_members WHERE group_id = $1', [big.id]))[0].n, 5);

    // A list page stops before the group that would overflow it; the next page starts with that group alone.
    const page = await dir.scim('GET', '/Groups?count=10');
    assert.equal(page.status, 200);
    assert.deepEqual(page.body.Resources.map((x: { id: string }) => x.id), [two.id, one.id]);
    assert.equal(page.body.itemsPerPage, 2);
    assert.equal(page.body.totalResults, 3);
    assert.equal((await dir.scim('GET', '/Groups?startIndex=3')).body.scimType, 'tooMany');
    assert.equal((await dir.scim('GET', '/Groups?excludedAttributes=members')).body.itemsPerPage, 3);

    // Entra ID's membership check needs no member list at all.
    const q = encodeURIComponent(`id eq "${big.id}" and members eq "${users[4]}"`);
    const check = await dir.scim('GET', `/Groups?filter=${q}&excludedAttributes=members`);
    assert.deepEqual(check.body.Resources.map((x: { id: string }) => x.id), [big.id]);
    assert.equal((await dir.scim('GET', `/Groups?filter=${encodeURIComponent(`members eq "${users[4]}"`)}&attributes=id`)).body.totalResults, 1);
  });
});
