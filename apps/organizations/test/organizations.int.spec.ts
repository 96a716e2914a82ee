import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { organizationDomainSchema, organizationSchema, listEnvelopeSchema } from '@wos/contracts';
import { findSchemaDrift } from '@wos/platform';
import { planWithOnlyIndex } from '@wos/platform/testing';
import { startHarness, SCHEMA, type Harness } from './support';

const ENV = 'environment_01TESTENVA000000000000000000';
const OTHER = 'environment_01TESTENVB000000000000000000';

describe('organizations service (real Postgres, Kafka, DNS)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('orgs');
  });
  after(async () => {
    await h.close();
  });

  async function outboxEvents(): Promise<{ event: string; key: string; data: any }[]> {
    const c = new Client({ connectionString: h.db.url });
    await c.connect();
    const r = await c.query(`SELECT payload->>'event' AS event, key, payload->'data' AS data FROM outbox ORDER BY seq`);
    await c.end();
    return r.rows;
  }

  test('the schema has no drift from its migrations', async () => {
    assert.deepEqual(await findSchemaDrift(SCHEMA, h.db.url), []);
  });

  test('create, get, get by external ID, update, delete, each with its event', async () => {
    const created = await h.call(ENV, 'POST', '/organizations', {
      name: 'Acme', external_id: 'acme-1', metadata: { tier: 'gold' },
      domain_data: [{ domain: 'Acme.com', state: 'verified' }, { domain: 'acme.io', state: 'pending' }],
    });
    assert.equal(created.status, 201);
    organizationSchema.parse(created.body);
    const org = created.body;
    assert.deepEqual(org.domains.map((d: any) => [d.domain, d.state, d.verification_strategy]), [['acme.com', 'verified', 'manual'], ['acme.io', 'pending', 'dns']]);
    assert.match(org.domains[1].verification_token, /^[A-Za-z0-9]{24}$/);

    assert.deepEqual((await h.call(ENV, 'GET', `/organizations/${org.id}`)).body, org);
    assert.equal((await h.call(ENV, 'GET', '/organizations/external_id/acme-1')).body.id, org.id);

    const updated = await h.call(ENV, 'PUT', `/organizations/${org.id}`, { name: 'Acme 2', metadata: { tier: null, region: 'eu' }, domain_data: [{ domain: 'acme.io', state: 'verified' }] });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.name, 'Acme 2');
    assert.deepEqual(updated.body.metadata, { region: 'eu' });
    assert.deepEqual(updated.body.domains.map((d: any) => [d.domain, d.state]), [['acme.io', 'verified']]);
    assert.equal(updated.body.external_id, 'acme-1');

    assert.equal((await h.call(ENV, 'DELETE', `/organizations/${org.id}`)).status, 204);
    assert.equal((await h.call(ENV, 'GET', `/organizations/${org.id}`)).status, 404);
    const events = (await outboxEvents()).filter((e) => e.key === org.id);
    assert.deepEqual(events.map((e) => e.event), ['organization.created', 'organization.updated', 'organization.deleted']);
    assert.equal(events[1]!.data.name, 'Acme 2');
  });

  test('lists with the domains filter and cursor pagination', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await h.call(ENV, 'POST', '/organizations', { name: `Page ${i}`, domain_data: i % 3 === 0 ? [{ domain: `page${i}.example.com`, state: 'verified' }] : undefined })).body.id);
    const filtered = await h.call(ENV, 'GET', '/organizations?domains=page0.example.com,page3.example.com&order=asc');
    listEnvelopeSchema(organizationSchema).parse(filtered.body);
    assert.deepEqual(filtered.body.data.map((o: any) => o.id), [ids[0], ids[3]]);
    const first = await h.call(ENV, 'GET', '/organizations?limit=5');
    assert.deepEqual(first.body.data.map((o: any) => o.id), ids.slice(-5).reverse());
    const second = await h.call(ENV, 'GET', `/organizations?limit=5&after=${first.body.list_metadata.after}`);
    assert.deepEqual(second.body.data.map((o: any) => o.id), ids.slice(-10, -5).reverse());
    assert.equal(second.body.list_metadata.before, ids.at(-6));
  });

  test('search (our extension): a case-insensitive name prefix, wildcards literal, paginated, within the environment, bounded, served by its index', async () => {
    const tag = `Srch${Date.now().toString(36)}`;
    const made: string[] = [];
    for (const name of [`${tag} Alpha`, `${tag.toLowerCase()} beta`, `${tag}_Gamma`, `${tag}xDelta`, `Not ${tag}`]) made.push((await h.call(ENV, 'POST', '/organizations', { name })).body.id);
    await h.call(OTHER, 'POST', '/organizations', { name: `${tag} Other environment` });
    const found = await h.call(ENV, 'GET', `/organizations?search=${encodeURIComponent(tag.toUpperCase())}&order=asc&limit=100`);
    assert.equal(found.status, 200);
    listEnvelopeSchema(organizationSchema).parse(found.body);
    assert.deepEqual(found.body.data.map((o: any) => o.id), made.slice(0, 4));
    // "_" is a literal underscore, not LIKE's any-character.
    assert.deepEqual((await h.call(ENV, 'GET', `/organizations?search=${encodeURIComponent(`${tag}_`)}`)).body.data.map((o: any) => o.id), [made[2]]);
    assert.deepEqual((await h.call(ENV, 'GET', `/organizations?search=${encodeURIComponent(`${tag}%`)}`)).body.data, []);
    const page1 = await h.call(ENV, 'GET', `/organizations?search=${tag}&limit=2`);
    assert.deepEqual(page1.body.data.map((o: any) => o.id), [made[3], made[2]]);
    const page2 = await h.call(ENV, 'GET', `/organizations?search=${tag}&limit=2&after=${page1.body.list_metadata.after}`);
    assert.deepEqual(page2.body.data.map((o: any) => o.id), [made[1], made[0]]);
    assert.equal((await h.call(ENV, 'GET', `/organizations?search=${'a'.repeat(101)}`)).status, 422);
    // The prefix index alone can serve the search's LIKE.
    const plan = await planWithOnlyIndex(h.db.url, 'organizations', 'organizations_environment_id_lower_name_prefix_idx', `SELECT id FROM organizations WHERE environment_id = '${ENV}' AND lower(name) LIKE 'srch%'`);
    assert.match(plan, /organizations_environment_id_lower_name_prefix_idx[\s\S]*Index Cond: .*lower\(name\) ~>=~ 'srch'/, plan);
  });

  test('conflicts: a domain or external ID already in use is a 409 and writes nothing', async () => {
    await h.call(ENV, 'POST', '/organizations', { name: 'Taken', external_id: 'taken', domain_data: [{ domain: 'taken.com', state: 'verified' }] });
    const before = (await outboxEvents()).length;
    const dup = await h.call(ENV, 'POST', '/organizations', { name: 'Dup', domain_data: [{ domain: 'taken.com', state: 'pending' }] });
    assert.equal(dup.status, 409);
    assert.match(dup.body.message, /taken\.com already exists/);
    assert.equal((await h.call(ENV, 'POST', '/organizations', { name: 'Dup', external_id: 'taken' })).status, 409);
    assert.equal((await outboxEvents()).length, before);
    // Another environment may use the same domain and external ID.
    assert.equal((await h.call(OTHER, 'POST', '/organizations', { name: 'Other', external_id: 'taken', domain_data: [{ domain: 'taken.com', state: 'verified' }] })).status, 201);
  });

  test('bad input gets a 4xx WorkOS body', async () => {
    const cases: [unknown, number][] = [
      ['{"name":', 400], [{}, 422], [{ name: 5 }, 422], [{ name: 'x', surprise: 1 }, 422], [{ name: 'x', domain_data: [{ domain: 'not a domain', state: 'verified' }] }, 422],
      [{ name: 'x', domain_data: [{ domain: 'a.com', state: 'weird' }] }, 422], [{ name: 'x', metadata: { k: 5 } }, 422], [[], 422], ['null', 422],
    ];
    for (const [body, status] of cases) {
      const r = await h.call(ENV, 'POST', '/organizations', body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(typeof r.body.message, 'string');
    }
    assert.equal((await h.call(ENV, 'GET', '/organizations?limit=500')).status, 422);
    assert.equal((await h.call(ENV, 'GET', '/organizations/not-an-id')).status, 404);
    assert.equal((await h.call(ENV, 'PUT', '/organizations/org_01ABCDEFGHJKMNPQRSTVWXYZ012', { name: 'x' })).status, 404);
  });

  test('domains: create, DNS verification failure then success, delete, with events', async () => {
    const org = (await h.call(ENV, 'POST', '/organizations', { name: 'Dns Co' })).body;
    const created = await h.call(ENV, 'POST', '/organization_domains', { organization_id: org.id, domain: 'dns-co.com' });
    assert.equal(created.status, 201);
    const domain = organizationDomainSchema.parse(created.body);
    assert.equal(domain.state, 'pending');
    const record = `${domain.verification_prefix}.${domain.domain}`;

    const missing = await h.call(ENV, 'POST', `/organization_domains/${domain.id}/verify`, {});
    assert.equal(missing.body.state, 'failed');
    h.dns.setTxt(record, ['wrong-token']);
    assert.equal((await h.call(ENV, 'POST', `/organization_domains/${domain.id}/verify`)).body.state, 'failed');
    h.dns.setTxt(record, ['unrelated', domain.verification_token!]);
    const verified = await h.call(ENV, 'POST', `/organization_domains/${domain.id}/verify`, {});
    assert.equal(verified.status, 200);
    assert.equal(verified.body.state, 'verified');
    assert.equal((await h.call(ENV, 'GET', `/organizations/${org.id}`)).body.domains[0].state, 'verified');

    assert.equal((await h.call(OTHER, 'GET', `/organization_domains/${domain.id}`)).status, 404);
    assert.equal((await h.call(ENV, 'DELETE', `/organization_domains/${domain.id}`)).status, 204);
    assert.equal((await h.call(ENV, 'GET', `/organization_domains/${domain.id}`)).status, 404);

    const events = (await outboxEvents()).filter((e) => e.key === org.id).map((e) => e.event);
    assert.deepEqual(events, [
      'organization.created', 'organization_domain.created',
      'organization_domain.verification_failed', 'organization_domain.updated',
      'organization_domain.verification_failed',
      'organization_domain.verified', 'organization_domain.updated',
      'organization_domain.deleted',
    ]);
    const failed = (await outboxEvents()).find((e) => e.event === 'organization_domain.verification_failed')!;
    assert.equal(failed.data.reason, 'txt_record_not_found');
  });

  test('creating a domain on a missing organization is a 404; a taken domain a 409', async () => {
    assert.equal((await h.call(ENV, 'POST', '/organization_domains', { organization_id: 'org_01ABCDEFGHJKMNPQRSTVWXYZ012', domain: 'x.com' })).status, 404);
    const org = (await h.call(ENV, 'POST', '/organizations', { name: 'Holder', domain_data: [{ domain: 'held.com', state: 'verified' }] })).body;
    assert.equal((await h.call(ENV, 'POST', '/organization_domains', { organization_id: org.id, domain: 'held.com' })).status, 409);
  });

  test('concurrent updates to one organization are serialised: no metadata key is lost', async () => {
    const org = (await h.call(ENV, 'POST', '/organizations', { name: 'Busy' })).body;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => h.call(ENV, 'PUT', `/organizations/${org.id}`, { metadata: { [`k${i}`]: String(i) } })));
    assert.ok(results.every((r) => r.status === 200));
    const final = (await h.call(ENV, 'GET', `/organizations/${org.id}`)).body;
    assert.equal(Object.keys(final.metadata).length, 20);
  });
});
