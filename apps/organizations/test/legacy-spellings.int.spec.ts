import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { organizationSchema } from '@wos/contracts';
import { startHarness, type Harness } from './support';

const ENV = 'environment_01TESTLEGACY00000000000000000';

/* Older SDKs (v7 and before) send `domains: ["acme.com"]` and `allow_profiles_outside_organization` (docs/compatibility.md). */
describe('organizations: older request spellings over plain HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('orgs_legacy');
  });
  after(async () => {
    await h?.close();
  });

  const query = async (text: string, values: unknown[] = []) => {
    const c = new Client({ connectionString: h.db.url });
    await c.connect();
    try {
      return (await c.query(text, values)).rows;
    } finally {
      await c.end();
    }
  };
  const count = async () => Number((await query('SELECT count(*)::int AS n FROM organizations'))[0].n);
  const byDomain = (domains: { domain: string; state: string; verification_strategy: string }[]) => domains.map((d) => [d.domain, d.state, d.verification_strategy]).sort();

  test('POST with domains: each name becomes a pending domain verified through DNS, in the event too', async () => {
    const r = await h.call(ENV, 'POST', '/organizations', { name: 'Legacy', domains: ['Legacy.example', 'b.legacy.example'], allow_profiles_outside_organization: true });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    organizationSchema.parse(r.body);
    assert.deepEqual(byDomain(r.body.domains), [['b.legacy.example', 'pending', 'dns'], ['legacy.example', 'pending', 'dns']]);
    assert.equal(r.body.allow_profiles_outside_organization, true);
    const [event] = await query(`SELECT payload->'data' AS data FROM outbox WHERE key = $1 AND payload->>'event' = 'organization.created'`, [r.body.id]);
    assert.deepEqual(event.data.domains.map((d: any) => d.domain).sort(), ['b.legacy.example', 'legacy.example']);
  });

  test('domains and domain_data together are a 422 naming the conflict, and write nothing', async () => {
    const before = await count();
    const r = await h.call(ENV, 'POST', '/organizations', { name: 'Both', domains: ['both.example'], domain_data: [{ domain: 'both.example', state: 'verified' }] });
    assert.equal(r.status, 422);
    assert.equal(r.body.errors[0].field, 'domains');
    assert.match(r.body.errors[0].message, /domain_data/);
    for (const bad of [{ name: 'Bad', domains: 'x.example' }, { name: 'Bad', domains: ['not a domain'] }, { name: 'Bad', domains: ['d.example', 'D.example'] }, { name: 'Bad', domains: [{ domain: 'x.example' }] }]) {
      assert.equal((await h.call(ENV, 'POST', '/organizations', bad)).status, 422, JSON.stringify(bad));
    }
    assert.equal(await count(), before);
  });

  test('PUT with domains replaces the set: kept names keep their state, new ones are pending, both spellings are a 422', async () => {
    const org = (await h.call(ENV, 'POST', '/organizations', { name: 'Keep', domain_data: [{ domain: 'keep.example', state: 'verified' }, { domain: 'drop.example', state: 'pending' }] })).body;
    const r = await h.call(ENV, 'PUT', `/organizations/${org.id}`, { domains: ['keep.example', 'new.keep.example'], allow_profiles_outside_organization: true });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.domains.map((d: any) => [d.domain, d.state]).sort(), [['keep.example', 'verified'], ['new.keep.example', 'pending']]);
    assert.equal(r.body.allow_profiles_outside_organization, true);
    const both = await h.call(ENV, 'PUT', `/organizations/${org.id}`, { domains: [], domain_data: [] });
    assert.equal(both.status, 422);
    assert.equal(both.body.errors[0].field, 'domains');
    assert.deepEqual((await h.call(ENV, 'GET', `/organizations/${org.id}`)).body.domains.map((d: any) => d.domain).sort(), ['keep.example', 'new.keep.example']);
  });
});
