import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConflictException,
  DomainDataState,
  NotFoundException,
  RateLimitExceededException,
  UnauthorizedException,
  UnprocessableEntityException,
  type EventName,
  type Organization,
  type OrganizationDomain,
} from '@workos-inc/node';
import { readFileSync } from 'node:fs';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { startE2e, expectSdkError, typesByOrganization, waitForEvents, type E2e } from '../support/e2e-stack';
import { startTxtDnsServer, type TxtDnsServer } from '@wos/platform/testing';

const ORG_EVENTS: EventName[] = [
  'organization.created',
  'organization.updated',
  'organization.deleted',
  'organization_domain.created',
  'organization_domain.verified',
  'organization_domain.verification_failed',
  'organization_domain.deleted',
];
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('Organizations and Organization Domains through the WorkOS SDK', () => {
  let e: E2e;
  let dns: TxtDnsServer;
  const tld = `e2e${uniqueSuffix().replace(/\d/g, 'x')}.test`;
  // What the calls below must have produced, per organization, in call order.
  const expected = new Map<string, string[]>();
  const produced = (orgId: string, ...types: string[]) => expected.set(orgId, [...(expected.get(orgId) ?? []), ...types]);
  let main: Organization;

  before(async () => {
    dns = await startTxtDnsServer();
    e = await startE2e({
      name: 'organizations-sdk',
      portOffset: 10000,
      appEnv: { organizations: { DNS_SERVERS: `127.0.0.1:${dns.port}`, DNS_TIMEOUT_MS: '2000' } },
      // Every test here runs against two processes of each app sharing its port (WOS_REPLICAS):
      // the events replicas share the topics' partitions, and no event may be listed twice.
      replicas: { 'api-gateway': 2, organizations: 2, events: 2 },
    });
  });
  after(async () => {
    await e?.stop();
    await dns?.close();
  });

  test('createOrganization with domainData, externalId and metadata', async () => {
    main = await e.workos.organizations.createOrganization({
      name: 'Acme Corp',
      domainData: [
        { domain: `acme.${tld}`, state: DomainDataState.Verified },
        { domain: `acme-pending.${tld}`, state: DomainDataState.Pending },
      ],
      externalId: `ext-${tld}`,
      metadata: { tier: 'gold', region: 'eu' },
    });
    produced(main.id, 'organization.created');
    assert.match(main.id, /^org_/);
    assert.match(main.id.slice(4), ULID);
    assert.equal(main.object, 'organization');
    assert.equal(main.name, 'Acme Corp');
    assert.equal(main.externalId, `ext-${tld}`);
    assert.deepEqual(main.metadata, { tier: 'gold', region: 'eu' });
    assert.equal(main.allowProfilesOutsideOrganization, false);
    assert.ok(!Number.isNaN(Date.parse(main.createdAt)) && !Number.isNaN(Date.parse(main.updatedAt)));
    const byName = Object.fromEntries(main.domains.map((d) => [d.domain, d]));
    assert.equal(main.domains.length, 2);
    assert.equal(byName[`acme.${tld}`]!.state, 'verified');
    assert.equal(byName[`acme.${tld}`]!.verificationStrategy, 'manual');
    assert.equal(byName[`acme-pending.${tld}`]!.state, 'pending');
    assert.equal(byName[`acme-pending.${tld}`]!.verificationStrategy, 'dns');
    assert.ok(byName[`acme-pending.${tld}`]!.verificationToken);
    for (const d of main.domains) {
      assert.match(d.id, /^org_domain_/);
      assert.equal(d.organizationId, main.id);
    }
  });

  test('createOrganization with the same idempotencyKey returns the same organization', async () => {
    const key = `idem-${uniqueSuffix()}`;
    const first = await e.workos.organizations.createOrganization({ name: 'Idempotent Inc' }, { idempotencyKey: key });
    const second = await e.workos.organizations.createOrganization({ name: 'Idempotent Inc' }, { idempotencyKey: key });
    produced(first.id, 'organization.created');
    assert.equal(second.id, first.id);
    assert.deepEqual(second, first);
    const all = await (await e.workos.organizations.listOrganizations()).autoPagination();
    assert.equal(all.filter((o) => o.name === 'Idempotent Inc').length, 1);
  });

  test('getOrganization and getOrganizationByExternalId', async () => {
    assert.deepEqual(await e.workos.organizations.getOrganization(main.id), main);
    assert.deepEqual(await e.workos.organizations.getOrganizationByExternalId(`ext-${tld}`), main);
  });

  test('getOrganizationByExternalId finds an external id of the longest accepted length (128)', async () => {
    const externalId = `${'x'.repeat(120)}-${uniqueSuffix().slice(0, 7)}`;
    const org = await e.workos.organizations.createOrganization({ name: 'Long external id', externalId });
    produced(org.id, 'organization.created');
    assert.equal(org.externalId, externalId);
    assert.equal((await e.workos.organizations.getOrganizationByExternalId(externalId)).id, org.id);
  });

  test('updateOrganization changes name, metadata and domains', async () => {
    const updated = await e.workos.organizations.updateOrganization({
      organization: main.id,
      name: 'Acme Corporation',
      metadata: { tier: 'platinum' },
      domainData: [
        { domain: `acme.${tld}`, state: DomainDataState.Verified },
        { domain: `acme-new.${tld}`, state: DomainDataState.Verified },
      ],
    });
    produced(main.id, 'organization.updated');
    assert.equal(updated.id, main.id);
    assert.equal(updated.name, 'Acme Corporation');
    assert.equal(updated.metadata.tier, 'platinum');
    assert.equal(updated.externalId, main.externalId);
    assert.deepEqual(updated.domains.map((d) => d.domain).sort(), [`acme-new.${tld}`, `acme.${tld}`]);
    assert.ok(Date.parse(updated.updatedAt) >= Date.parse(main.updatedAt));
    assert.deepEqual(await e.workos.organizations.getOrganization(main.id), updated);
    main = updated;
  });

  test('listOrganizations: domains filter, limit + after paging, autoPagination', async () => {
    const made: Organization[] = [];
    for (let i = 0; i < 12; i++) {
      made.push(await e.workos.organizations.createOrganization({ name: `Paged ${i}`, domainData: [{ domain: `paged${i}.${tld}`, state: DomainDataState.Verified }] }));
      produced(made[i]!.id, 'organization.created');
    }
    const filtered = await e.workos.organizations.listOrganizations({ domains: [`paged3.${tld}`, `paged7.${tld}`] });
    assert.deepEqual(filtered.data.map((o) => o.id).sort(), [made[3]!.id, made[7]!.id].sort());

    const auto = await (await e.workos.organizations.listOrganizations()).autoPagination();
    const ids = auto.map((o) => o.id);
    assert.ok(ids.length >= 14, `autoPagination returned ${ids.length}`);
    assert.equal(new Set(ids).size, ids.length, 'autoPagination repeated an organization');
    for (const o of [main, ...made]) assert.ok(ids.includes(o.id), `${o.id} missing from autoPagination`);
    assert.deepEqual(ids, [...ids].sort().reverse(), 'default order is newest first');

    const pages: string[][] = [];
    for (let after: string | undefined; ; ) {
      const page = await e.workos.organizations.listOrganizations({ limit: 5, after });
      assert.ok(page.data.length <= 5);
      pages.push(page.data.map((o) => o.id));
      if (!page.listMetadata.after) break;
      after = page.listMetadata.after;
    }
    assert.deepEqual(pages.flat(), ids);
    const back = await e.workos.organizations.listOrganizations({ limit: 5, before: pages[1]![0] });
    assert.deepEqual(back.data.map((o) => o.id), pages[0], 'before pages back to the previous page');
  });

  test('organization domains: create, get, DNS verify (verified and failed), delete', async () => {
    const domain = async (name: string): Promise<OrganizationDomain> => {
      const d = await e.workos.organizationDomains.createOrganizationDomain({ organizationId: main.id, domain: name });
      produced(main.id, 'organization_domain.created');
      return d;
    };
    const good = await domain(`good.${tld}`);
    assert.match(good.id, /^org_domain_/);
    assert.equal(good.state, 'pending');
    assert.equal(good.verificationStrategy, 'dns');
    assert.equal(good.organizationId, main.id);
    assert.ok(good.verificationToken && good.verificationToken.length >= 16);
    assert.equal(good.verificationPrefix, '_workos-challenge');
    assert.deepEqual(await e.workos.organizationDomains.getOrganizationDomain(good.id), good);

    dns.setTxt(`_workos-challenge.good.${tld}`, ['unrelated=1', good.verificationToken!]);
    const verified = await e.workos.organizationDomains.verifyOrganizationDomain(good.id);
    produced(main.id, 'organization_domain.verified');
    assert.equal(verified.state, 'verified');
    assert.ok(dns.queries.includes(`_workos-challenge.good.${tld}`), 'the service asked our DNS server');

    const wrong = await domain(`wrong.${tld}`);
    dns.setTxt(`_workos-challenge.wrong.${tld}`, ['not-the-token']);
    assert.equal((await e.workos.organizationDomains.verifyOrganizationDomain(wrong.id)).state, 'failed');
    produced(main.id, 'organization_domain.verification_failed');

    const missing = await domain(`missing.${tld}`);
    assert.equal((await e.workos.organizationDomains.verifyOrganizationDomain(missing.id)).state, 'failed');
    produced(main.id, 'organization_domain.verification_failed');
    assert.equal((await e.workos.organizationDomains.getOrganizationDomain(missing.id)).state, 'failed');

    await e.workos.organizationDomains.deleteOrganizationDomain(wrong.id);
    produced(main.id, 'organization_domain.deleted');
    await expectSdkError(e.workos.organizationDomains.getOrganizationDomain(wrong.id), NotFoundException, 404);
    const org = await e.workos.organizations.getOrganization(main.id);
    assert.deepEqual(org.domains.map((d) => d.domain).sort(), [`acme-new.${tld}`, `acme.${tld}`, `good.${tld}`, `missing.${tld}`]);
  });

  test("an older SDK's request bodies: domains as bare names and allow_profiles_outside_organization (docs/compatibility.md)", async () => {
    // @workos-inc/node v7 sent createOrganization({ name, domains, allowProfilesOutsideOrganization }) as this body;
    // the current SDK's generic post/put carry it through the same client, auth and errors.
    const { data } = await e.workos.post<{ id: string }>('/organizations', { name: 'Legacy SDK', allow_profiles_outside_organization: true, domains: [`legacy.${tld}`] });
    produced(data.id, 'organization.created');
    const org = await e.workos.organizations.getOrganization(data.id);
    assert.equal(org.allowProfilesOutsideOrganization, true);
    assert.deepEqual(org.domains.map((d) => [d.domain, d.state, d.verificationStrategy]), [[`legacy.${tld}`, 'pending', 'dns']]);
    await e.workos.put(`/organizations/${org.id}`, { name: 'Legacy SDK 2', domains: [`legacy.${tld}`, `legacy-two.${tld}`] });
    produced(org.id, 'organization.updated');
    const updated = await e.workos.organizations.getOrganization(org.id);
    assert.deepEqual(updated.domains.map((d) => [d.domain, d.state]).sort(), [[`legacy-two.${tld}`, 'pending'], [`legacy.${tld}`, 'pending']]);
    const both = await expectSdkError(
      e.workos.post('/organizations', { name: 'Both spellings', domains: [`both.${tld}`], domain_data: [{ domain: `both.${tld}`, state: 'pending' }] }),
      UnprocessableEntityException,
      422,
    );
    assert.match(both.message, /domains|domain_data/);
  });

  test('deleteOrganization', async () => {
    const doomed = await e.workos.organizations.createOrganization({ name: 'Doomed', externalId: `doomed-${tld}` });
    produced(doomed.id, 'organization.created');
    await e.workos.organizations.deleteOrganization(doomed.id);
    produced(doomed.id, 'organization.deleted');
    await expectSdkError(e.workos.organizations.getOrganization(doomed.id), NotFoundException, 404);
    await expectSdkError(e.workos.organizations.getOrganizationByExternalId(`doomed-${tld}`), NotFoundException, 404);
    await expectSdkError(e.workos.organizations.deleteOrganization(doomed.id), NotFoundException, 404);
  });

  test('events.listEvents returns the events of these calls, in order per organization, typed', async () => {
    const events = await waitForEvents(e.workos, ORG_EVENTS, (all) => {
      const got = typesByOrganization(all);
      return [...expected].every(([org, types]) => (got.get(org)?.length ?? 0) >= types.length);
    });
    const got = typesByOrganization(events);
    for (const [org, types] of expected) assert.deepEqual(got.get(org), types, `events of ${org}`);
    assert.equal(new Set(events.map((ev) => ev.id)).size, events.length, 'an event was listed twice');
    for (const ev of events) {
      assert.match(ev.id, /^event_/);
      assert.ok(!Number.isNaN(Date.parse(ev.createdAt)));
    }
    const ofMain = events.filter((ev) => ev.event.startsWith('organization') && JSON.stringify(ev.data).includes(main.id));
    const created = ofMain.find((ev) => ev.event === 'organization.created');
    assert.ok(created && created.event === 'organization.created');
    assert.equal(created.data.name, 'Acme Corp');
    assert.equal(created.data.externalId, `ext-${tld}`);
    assert.deepEqual(created.data.metadata, { tier: 'gold', region: 'eu' });
    const updated = ofMain.find((ev) => ev.event === 'organization.updated');
    assert.ok(updated && updated.event === 'organization.updated');
    assert.equal(updated.data.name, 'Acme Corporation');
    const verified = ofMain.find((ev) => ev.event === 'organization_domain.verified');
    assert.ok(verified && verified.event === 'organization_domain.verified');
    assert.equal(verified.data.domain, `good.${tld}`);
    assert.equal(verified.data.state, 'verified');
    assert.equal(verified.data.organizationId, main.id);
    const failed = ofMain.filter((ev) => ev.event === 'organization_domain.verification_failed');
    assert.equal(failed.length, 2);
    for (const f of failed) {
      assert.ok(f.event === 'organization_domain.verification_failed');
      assert.equal(typeof f.data.reason, 'string');
      assert.ok(f.data.reason.length > 0);
      assert.equal(f.data.organizationDomain.state, 'failed');
      assert.equal(f.data.organizationDomain.organizationId, main.id);
    }
    const deleted = events.find((ev) => ev.event === 'organization.deleted');
    assert.ok(deleted && deleted.event === 'organization.deleted');
    assert.equal(deleted.data.name, 'Doomed');
  });

  describe('exceptions', () => {
    test('UnauthorizedException for a bad API key', async () => {
      const bad = e.client('sk_test_this_key_does_not_exist_000000000000');
      await expectSdkError(bad.organizations.listOrganizations(), UnauthorizedException, 401);
    });

    test('NotFoundException for a missing organization', async () => {
      const err = await expectSdkError(e.workos.organizations.getOrganization('org_01HZZZZZZZZZZZZZZZZZZZZZZZ'), NotFoundException, 404);
      assert.match(err.message, /org_01HZZZZZZZZZZZZZZZZZZZZZZZ/);
    });

    test('ConflictException for a domain another organization holds', async () => {
      const other = await e.workos.organizations.createOrganization({ name: 'Other' });
      await expectSdkError(e.workos.organizationDomains.createOrganizationDomain({ organizationId: other.id, domain: `acme.${tld}` }), ConflictException, 409);
      await expectSdkError(
        e.workos.organizations.createOrganization({ name: 'Dup', domainData: [{ domain: `acme.${tld}`, state: DomainDataState.Pending }] }),
        ConflictException,
        409,
      );
    });

    test('UnprocessableEntityException for an invalid body', async () => {
      await expectSdkError(e.workos.organizations.createOrganization({ name: '' }), UnprocessableEntityException, 422);
      await expectSdkError(e.workos.organizationDomains.createOrganizationDomain({ organizationId: main.id, domain: 'not a domain' }), UnprocessableEntityException, 422);
    });

    test('RateLimitExceededException with retryAfter for a key over its limit', async () => {
      const out = await e.stack.runGatewayCli(['api-keys', 'create', '--environment', e.creds.environment_id, '--rate-limit', '2', '--json']);
      const created = JSON.parse(out) as { value: string; rate_limit_per_minute: number };
      assert.equal(created.rate_limit_per_minute, 2);
      const key = created.value;
      assert.ok(key.startsWith('sk_test_'), `api-keys create printed no key: ${out}`);
      const limited = e.client(key);
      await limited.organizations.listOrganizations({ limit: 1 });
      await limited.organizations.listOrganizations({ limit: 1 });
      // Two gateway replicas decide from the shared Redis total plus their own hits, synced every
      // 100 ms: each may admit up to the limit before it hears of the other's (the documented
      // overshoot, apps/api-gateway/src/rate-limit). So at most 2 more pass, then every call is a 429.
      let admittedAfterLimit = 0;
      for (; admittedAfterLimit <= 2; admittedAfterLimit++) {
        const over = await limited.organizations.listOrganizations({ limit: 1 }).then(() => undefined, (err: unknown) => err);
        if (over) break;
      }
      assert.ok(admittedAfterLimit <= 2, `admitted ${admittedAfterLimit} calls over the limit of 2`);
      const err = await expectSdkError(limited.organizations.listOrganizations({ limit: 1 }), RateLimitExceededException, 429);
      assert.equal(typeof err.retryAfter, 'number');
      assert.ok(err.retryAfter! >= 1 && err.retryAfter! <= 60, `retryAfter ${err.retryAfter}`);
      // The limit is per key: the environment's other key is unaffected.
      await e.workos.organizations.listOrganizations({ limit: 1 });
    });
  });

  test('replicas share the port: both organizations processes serve; with one killed, the other answers every request', async () => {
    const pids = e.stack.processes('organizations');
    assert.equal(pids.length, 2, 'two organizations processes');
    assert.equal(e.stack.processes('api-gateway').length, 2, 'two gateway processes');
    // 32 requests at a time: each gateway opens about as many connections to organizations, and
    // the kernel spreads them over both replicas (all on one: a chance near 2^-31). A replica
    // that served used CPU for it.
    const cpu = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ').slice(11, 13).reduce((a, b) => a + Number(b), 0);
    const before = pids.map(cpu);
    await Promise.all(Array.from({ length: 32 }, async () => {
      for (let i = 0; i < 40; i++) assert.equal((await e.http('GET', `/organizations/${main.id}`, { key: true })).status, 200);
    }));
    const used = pids.map((pid, i) => cpu(pid) - before[i]!);
    assert.ok(used.every((ticks) => ticks > 0), `CPU ticks used by each replica: ${used.join(', ')}`);

    // One replica crashes: the gateway's connections to it fail once, new ones reach the other.
    await e.stack.kill('organizations');
    await waitFor(async () => (await e.http('GET', `/organizations/${main.id}`, { key: true })).status === 200, { timeoutMs: 15_000, message: 'the surviving replica answers' });
    for (let i = 0; i < 50; i++) assert.equal((await e.http('GET', `/organizations/${main.id}`, { key: true })).status, 200);
    assert.deepEqual(e.stack.processes('organizations'), [pids[1]]);
  });
});
