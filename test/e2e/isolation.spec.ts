import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DomainDataState, NotFoundException, type EventName, type Organization, type OrganizationDomain, type WorkOS } from '@workos-inc/node';
import { startE2e, expectSdkError, listAllEvents, waitForEvents, type E2e } from '../support/e2e-stack';
import { describe as describeRes, isWorkOsError } from '../support/http';

const TYPES: EventName[] = ['organization.created', 'organization.updated', 'organization.deleted', 'organization_domain.created', 'organization_domain.deleted'];

// Rule 5 of DESIGN.md: no request can read or change another environment's data.
describe('environment isolation', () => {
  let e: E2e;
  let a: WorkOS;
  let b: WorkOS;
  let bKey: string;
  let orgA: Organization;
  let domainA: OrganizationDomain;
  let orgB: Organization;

  before(async () => {
    e = await startE2e({ name: 'isolation', portOffset: 11000 });
    a = e.workos;
    const envB = await e.createEnvironment('isolation-b');
    assert.notEqual(envB.environment_id, e.creds.environment_id);
    bKey = envB.api_key;
    b = e.client(envB.api_key);
    orgA = await a.organizations.createOrganization({
      name: 'A Corp',
      externalId: 'shared-external-id',
      domainData: [{ domain: 'a-corp.example', state: DomainDataState.Verified }],
      metadata: { owner: 'a' },
    });
    domainA = await a.organizationDomains.createOrganizationDomain({ organizationId: orgA.id, domain: 'a-pending.example' });
    orgA = await a.organizations.getOrganization(orgA.id);
  });
  after(async () => {
    await e?.stop();
  });

  test("B's key gets 404 for every operation on A's organization", async () => {
    const calls: [string, () => Promise<unknown>][] = [
      ['get', () => b.organizations.getOrganization(orgA.id)],
      ['update', () => b.organizations.updateOrganization({ organization: orgA.id, name: 'hijacked', metadata: { owner: 'b' } })],
      ['delete', () => b.organizations.deleteOrganization(orgA.id)],
      ['get by external id', () => b.organizations.getOrganizationByExternalId('shared-external-id')],
      ['domain get', () => b.organizationDomains.getOrganizationDomain(domainA.id)],
      ['domain verify', () => b.organizationDomains.verifyOrganizationDomain(domainA.id)],
      ['domain delete', () => b.organizationDomains.deleteOrganizationDomain(domainA.id)],
      ['domain create on A', () => b.organizationDomains.createOrganizationDomain({ organizationId: orgA.id, domain: 'b-injected.example' })],
    ];
    for (const [what, call] of calls) {
      await assert.doesNotReject(expectSdkError(call(), NotFoundException, 404), what);
    }
  });

  test("A's organization and domain are unchanged afterwards", async () => {
    assert.deepEqual(await a.organizations.getOrganization(orgA.id), orgA);
    assert.deepEqual(await a.organizationDomains.getOrganizationDomain(domainA.id), domainA);
    assert.deepEqual(await a.organizations.getOrganizationByExternalId('shared-external-id'), orgA);
  });

  test('B can reuse A\'s external id and domain without seeing or touching A', async () => {
    orgB = await b.organizations.createOrganization({
      name: 'B Corp',
      externalId: 'shared-external-id',
      domainData: [{ domain: 'a-corp.example', state: DomainDataState.Verified }],
    });
    assert.notEqual(orgB.id, orgA.id);
    assert.equal((await b.organizations.getOrganizationByExternalId('shared-external-id')).id, orgB.id);
    assert.equal((await a.organizations.getOrganizationByExternalId('shared-external-id')).id, orgA.id);
    await b.organizations.updateOrganization({ organization: orgB.id, name: 'B Corp 2' });
  });

  test("A's organizations never appear in B's list", async () => {
    for (let i = 0; i < 3; i++) await a.organizations.createOrganization({ name: `A extra ${i}` });
    const listB = await (await b.organizations.listOrganizations()).autoPagination();
    assert.deepEqual(listB.map((o) => o.id), [orgB.id]);
    const byDomain = await b.organizations.listOrganizations({ domains: ['a-corp.example', 'a-pending.example'] });
    assert.deepEqual(byDomain.data.map((o) => o.id), [orgB.id]);
    const listA = await (await a.organizations.listOrganizations()).autoPagination();
    assert.equal(listA.length, 4);
    assert.ok(!listA.some((o) => o.id === orgB.id));
  });

  test('B cannot page through A with a cursor from A', async () => {
    const page = await b.organizations.listOrganizations({ after: orgA.id, order: 'asc' });
    assert.ok(!page.data.some((o) => o.name.startsWith('A ')), JSON.stringify(page.data.map((o) => o.name)));
  });

  test("B's /events never shows A's events", async () => {
    const eventsA = await waitForEvents(a, TYPES, (all) => all.filter((ev) => ev.event === 'organization.created').length >= 4);
    const eventsB = await waitForEvents(b, TYPES, (all) => all.some((ev) => ev.event === 'organization.updated'));
    const idsA = new Set(eventsA.map((ev) => ev.id));
    assert.ok(eventsB.length >= 2);
    for (const ev of eventsB) {
      assert.ok(!idsA.has(ev.id), `B sees A's event ${ev.id}`);
      assert.ok(!JSON.stringify(ev.data).includes(orgA.id), `B's event ${ev.id} mentions A's organization`);
    }
    assert.deepEqual(await listAllEvents(b, TYPES, orgA.id), []);
  });

  test("B's /events refuses after=<A's event id>", async () => {
    const [first] = await listAllEvents(a, TYPES);
    assert.ok(first);
    let status = 0;
    try {
      const page = await b.events.listEvents({ events: TYPES, after: first.id });
      assert.fail(`B listed after A's event: ${JSON.stringify(page.data.map((ev) => ev.id))}`);
    } catch (err) {
      status = (err as { status?: number }).status ?? 0;
    }
    assert.ok(status >= 400 && status < 500, `status ${status}`);
    const raw = await e.http('GET', `/events?events=organization.created&after=${first.id}`, { key: bKey });
    assert.ok(raw.status >= 400 && raw.status < 500 && isWorkOsError(raw), describeRes(raw));
    assert.ok(!raw.text.includes(orgA.id), describeRes(raw));
  });

  test("a client cannot choose its environment with internal headers", async () => {
    const spoof = {
      'x-wos-environment-id': e.creds.environment_id,
      'x-wos-timestamp': String(Date.now()),
      'x-wos-signature': '00'.repeat(32),
    };
    const res = await e.http('GET', `/organizations/${orgA.id}`, { key: bKey, headers: spoof });
    assert.equal(res.status, 404, describeRes(res));
    assert.ok(isWorkOsError(res), describeRes(res));
  });
});
