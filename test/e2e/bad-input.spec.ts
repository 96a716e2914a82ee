import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startE2e, type E2e } from '../support/e2e-stack';
import { describe as describeRes, isWorkOsError, type HttpResult } from '../support/http';
import { fuzzRequest, fuzzScimRequest, mulberry32 } from '../support/fuzz';
import { ERROR_SCHEMA, GROUP_SCHEMA, patch, ScimClient, USER_SCHEMA } from '../support/scim-client';

// Rule 6 of DESIGN.md: bad input gets a WorkOS-shaped 4xx, never a 500 and never a partial write.
describe('bad input through the gateway', () => {
  let e: E2e;
  let orgId: string;
  let domainId: string;
  let scim: ScimClient;
  let scimUserId: string;
  let scimGroupId: string;

  const expect4xx = (res: HttpResult, what: string, status?: number) => {
    assert.ok(res.status >= 400 && res.status < 500, `${what}: ${describeRes(res)}`);
    if (status) assert.equal(res.status, status, `${what}: ${describeRes(res)}`);
    assert.ok(isWorkOsError(res), `${what}: not a WorkOS error body: ${describeRes(res)}`);
  };
  const orgCount = async () => (await (await e.workos.organizations.listOrganizations({ limit: 100 })).autoPagination()).length;

  before(async () => {
    // Every built service runs, so the fuzz below reaches each one's routes.
    e = await startE2e({ name: 'bad-input', portOffset: 12000, apps: ['organizations', 'events', 'identity', 'sso', 'directory-sync', 'webhook-dispatcher'] });
    const org = await e.workos.organizations.createOrganization({ name: 'Target', externalId: 'target' });
    orgId = org.id;
    domainId = (await e.workos.organizationDomains.createOrganizationDomain({ organizationId: orgId, domain: 'target.example' })).id;
    ({ scim } = await newScimDirectory(true, orgId));
    scimUserId = (await scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'pinned@target.example', title: 'Pinned' })).id;
    scimGroupId = (await scim.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Pinned group', members: [{ value: scimUserId }] })).id;
  });

  /** A directory of `orgId` in the environment of `apiKey` (true: this file's), with a SCIM client as its IdP holds it. */
  async function newScimDirectory(apiKey: string | true, organizationId: string): Promise<{ id: string; scim: ScimClient }> {
    const res = await e.http('POST', '/directories', { key: apiKey, body: { organization_id: organizationId, name: 'Fuzzed IdP', type: 'generic scim v2.0' } });
    assert.equal(res.status, 201, res.text);
    const dir = res.json as { id: string; base_url: string; bearer_token: string };
    return { id: dir.id, scim: new ScimClient(dir.base_url, dir.bearer_token) };
  }

  /**
   * directory-sync still serves another environment correctly: a polluted Object.prototype (the
   * pg rowMode gadget turns every row into an array) would fail SCIM auth and every read.
   */
  async function anotherTenantIsServed(label: string): Promise<void> {
    const other = await e.createEnvironment(`Tenant after ${label}`);
    const org = await e.client(other.api_key).organizations.createOrganization({ name: `Other tenant ${label}` });
    const { id: directory, scim: idp } = await newScimDirectory(other.api_key, org.id);
    const userName = `other-${label}@tenant.example`;
    const created = await idp.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName, emails: [{ value: userName, primary: true }] });
    const found = await idp.expect(200, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    assert.deepEqual(found.Resources.map((u: { id: string }) => u.id), [created.id], label);
    const users = await e.client(other.api_key).directorySync.listUsers({ directory });
    assert.deepEqual(users.data.map((u) => u.email), [userName], label);
  }
  after(async () => {
    await e?.stop();
  });

  test('malformed JSON is a 400 with a WorkOS body', async () => {
    const bodies = ['{"name": ', "{'name':'x'}", '{"name":"x",}', '{"name":"x"}garbage', '\u0000', '{"a":1}{"b":2}'];
    for (const body of bodies) {
      for (const [method, path] of [['POST', '/organizations'], ['PUT', `/organizations/${orgId}`], ['POST', '/organization_domains'], ['POST', `/organization_domains/${domainId}/verify`]] as const) {
        expect4xx(await e.http(method, path, { key: true, body, headers: { 'content-type': 'application/json' } }), `${method} ${path} ${JSON.stringify(body)}`, 400);
      }
    }
  });

  test('wrong types and unknown fields are 422s', async () => {
    const before = await orgCount();
    const bodies: unknown[] = [
      null, [], 'a string', 42, {}, { name: 123 }, { name: ['x'] }, { name: 'ok', domain_data: 'x' }, { name: 'ok', domain_data: [{ domain: 'x.example', state: 'bogus' }] },
      { name: 'ok', metadata: [1, 2] }, { name: 'ok', metadata: { k: 5 } }, { name: 'ok', metadata: { k: { nested: 'x' } } }, { name: 'ok', external_id: {} },
      { name: 'ok', unknown_field: 1 }, { name: 'ok', allow_profiles_outside_organization: 'yes' },
    ];
    for (const body of bodies) {
      expect4xx(await e.http('POST', '/organizations', { key: true, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }), `POST ${JSON.stringify(body)}`, 422);
    }
    for (const body of [{ name: 7 }, { unknown_field: true }, { domain_data: [{ domain: 'not a domain', state: 'verified' }] }]) {
      expect4xx(await e.http('PUT', `/organizations/${orgId}`, { key: true, body }), `PUT ${JSON.stringify(body)}`, 422);
    }
    for (const body of [{ domain: 5, organization_id: orgId }, { domain: 'ok.example' }, { domain: 'ok.example', organization_id: orgId, extra: 1 }]) {
      expect4xx(await e.http('POST', '/organization_domains', { key: true, body }), `POST domain ${JSON.stringify(body)}`, 422);
    }
    expect4xx(await e.http('POST', `/organization_domains/${domainId}/verify`, { key: true, body: { force: true } }), 'verify with a field', 422);
    assert.equal(await orgCount(), before, 'a rejected request wrote something');
    assert.equal((await e.workos.organizations.getOrganization(orgId)).name, 'Target');
  });

  test('bad query parameters are 4xx', async () => {
    for (const q of ['limit=abc', 'limit=0', 'limit=101', 'limit=1e400', 'limit=-1', 'limit=99999999999999999999', 'order=sideways', 'limit=1&limit=2', 'after=&before=x']) {
      expect4xx(await e.http('GET', `/organizations?${q}`, { key: true }), `GET /organizations?${q}`);
    }
    for (const q of ['', 'events=', 'events=NOT%20VALID', 'events=organization.created&range_start=yesterday', 'events=organization.created&limit=1000', 'events=organization.created&after=event_nope']) {
      expect4xx(await e.http('GET', `/events?${q}`, { key: true }), `GET /events?${q}`);
    }
  });

  test('bodies over 1 MiB are a 413', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 100) });
    expect4xx(await e.http('POST', '/organizations', { key: true, body: big, headers: { 'content-type': 'application/json' } }), 'POST 1 MiB', 413);
    expect4xx(await e.http('PUT', `/organizations/${orgId}`, { key: true, body: big, headers: { 'content-type': 'application/json' } }), 'PUT 1 MiB', 413);
    expect4xx(await e.http('POST', '/organizations', { key: true, body: big, chunked: true, headers: { 'content-type': 'application/json' } }), 'chunked 1 MiB', 413);
    assert.equal((await e.workos.organizations.getOrganization(orgId)).name, 'Target');
  });

  test('unsupported content types are 4xx', async () => {
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      expect4xx(await e.http('POST', '/organizations', { key: true, body: 'name=x', headers: { 'content-type': ct } }), `POST as ${ct}`);
    }
  });

  test('prototype-pollution keys change nothing', async () => {
    const bodies = ['{"__proto__":{"name":"polluted"}}', '{"name":"p","__proto__":{"isAdmin":true}}', '{"name":"p","constructor":{"prototype":{"isAdmin":true}}}', '{"name":"p","metadata":{"__proto__":"x"}}'];
    for (const body of bodies) {
      expect4xx(await e.http('POST', '/organizations', { key: true, body, headers: { 'content-type': 'application/json' } }), body);
    }
    assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
  });

  test('SCIM prototype-pollution attempts are SCIM 400s and directory-sync keeps serving every tenant (H1)', async () => {
    const ops: unknown[] = [
      JSON.parse('{"op":"replace","value":{"__proto__.rowMode":"array"}}'),
      { op: 'add', value: { 'constructor.prototype.rowMode': 'array' } },
      { op: 'replace', value: { constructor: { 'prototype.rowMode': 'array' } } },
      { op: 'add', path: '__proto__.rowMode', value: 'array' },
      { op: 'add', path: 'constructor.prototype.rowMode', value: 'array' },
      { op: 'add', path: '__proto__', value: { rowMode: 'array' } },
      { op: 'add', path: '__proto__:rowMode', value: 'array' },
      { op: 'replace', path: 'name', value: { 'constructor.prototype.rowMode': 'array' } },
    ];
    const wrong: string[] = [];
    for (const op of ops) {
      for (const path of [`/Users/${scimUserId}`, `/Groups/${scimGroupId}`]) {
        const r = await scim.call('PATCH', path, patch(op));
        if (r.status !== 400 || r.body?.schemas?.[0] !== ERROR_SCHEMA || !['invalidPath', 'invalidValue'].includes(r.body.scimType)) wrong.push(`${path} ${JSON.stringify(op)} -> ${r.status} ${JSON.stringify(r.body)}`);
      }
    }
    assert.deepEqual(wrong, []);
    const pinned = await scim.expect(200, 'GET', `/Users/${scimUserId}`);
    assert.equal(pinned.title, 'Pinned');
    assert.equal(pinned.name, undefined);
    await anotherTenantIsServed('explicit');
  });

  test('fuzz: ~150 SCIM writes that each name a prototype somewhere are refused whole with a SCIM 400, and every tenant is still served', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 0x5c1a0001);
    const rand = mulberry32(seed);
    const failures: string[] = [];
    for (let i = 0; i < 150; i++) {
      const req = fuzzScimRequest(rand, { userId: scimUserId, groupId: scimGroupId });
      const r = await scim.call(req.method, req.path, req.body);
      // invalidSyntax: the JSON parser itself refuses an own "__proto__" key or {"constructor": {"prototype": …}}.
      const refused = r.status === 400 && r.body?.schemas?.[0] === ERROR_SCHEMA && ['invalidPath', 'invalidValue', 'invalidSyntax'].includes(r.body.scimType);
      if (!refused) failures.push(`#${i} ${req.method} ${req.path} ${req.body.slice(0, 300)} -> ${r.status} ${JSON.stringify(r.body)}`);
      // A polluted process can stop answering (each request then waits out the gateway's timeout): a few failures say enough.
      if (failures.length >= 5) break;
    }
    assert.deepEqual(failures, [], `seed ${seed}: bad answers`);
    // Nothing of any refused request was applied.
    const pinned = await scim.expect(200, 'GET', `/Users/${scimUserId}`);
    assert.deepEqual([pinned.title, pinned.name], ['Pinned', undefined]);
    const group = await scim.expect(200, 'GET', `/Groups/${scimGroupId}`);
    assert.deepEqual([group.displayName, group.members.map((m: { value: string }) => m.value)], ['Pinned group', [scimUserId]]);
    assert.equal((await scim.expect(200, 'GET', '/Users')).totalResults, 1);
    await anotherTenantIsServed('fuzz');
  });

  test('NUL characters and other hostile strings never cause a 500', async () => {
    const cases: [string, string, unknown?][] = [
      ['POST', '/organizations', { name: 'nul\u0000name' }],
      ['POST', '/organizations', { name: 'ok', external_id: 'ext\u0000' }],
      ['POST', '/organizations', { name: 'ok', metadata: { 'k\u0000': 'v' } }],
      ['POST', '/organizations', { name: 'ok', metadata: { k: 'v\u0000' } }],
      ['PUT', `/organizations/${orgId}`, { name: '\u0000' }],
      ['GET', '/organizations/external_id/%00'],
      ['GET', '/organizations/external_id/a%00b'],
      ['GET', '/organizations?domains=%00.example'],
      ['GET', '/organizations/%00'],
      ['GET', '/organizations/external_id/%E0%A4%A'],
      ['GET', '/events?events=organization.created&organization_id=%00'],
      ['POST', '/organization_domains', { domain: 'ok.example', organization_id: 'org_\u0000' }],
      ['POST', '/organizations', { name: '\ud800 lone surrogate' }],
    ];
    const bad: string[] = [];
    for (const [method, path, body] of cases) {
      const res = await e.http(method, path, { key: true, body });
      if (res.status >= 500 || (res.status >= 400 && !isWorkOsError(res))) bad.push(`${method} ${path} ${JSON.stringify(body) ?? ''} -> ${describeRes(res)}`);
    }
    assert.deepEqual(bad, []);
  });

  test('deeply nested JSON is refused, not a crash', async () => {
    const deep = '['.repeat(20000) + ']'.repeat(20000);
    const res = await e.http('POST', '/organizations', { key: true, body: `{"name":"deep","metadata":{"k":${deep}}}`, headers: { 'content-type': 'application/json' } });
    expect4xx(res, 'nested 20000 deep');
    assert.equal((await e.http('GET', '/organizations', { key: true })).status, 200, 'still serving');
  });

  test('fuzz: ~300 random requests over every route are answered below 500 with a WorkOS body', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 0x5eed1234);
    const rand = mulberry32(seed);
    const failures: string[] = [];
    for (let i = 0; i < 300; i++) {
      const req = fuzzRequest(rand, { orgId, domainId, apiKey: e.creds.api_key });
      let res: HttpResult;
      try {
        res = await e.http(req.method, req.path, { headers: req.headers, body: req.body });
      } catch (err) {
        failures.push(`#${i} ${req.method} ${req.path}: no response (${(err as Error).message})`);
        continue;
      }
      const problems: string[] = [];
      if (res.status >= 500) problems.push('5xx');
      // SCIM endpoints answer in the SCIM error schema (RFC 7644 §3.12), everything else in WorkOS's;
      // a URL with dot segments, a malformed percent-escape or %00 never reaches a service: the
      // gateway refuses it itself (a WorkOS 404 or 400).
      const refusedByGateway = /\/(\.|%2e){1,2}(\/|\?|$)/i.test(req.path) || /%(?![0-9a-f]{2})/i.test(req.path.split('?')[0]!) || /%00/.test(req.path);
      const errorShaped = req.path.startsWith('/scim/') && !refusedByGateway ? isScimError(res) : isWorkOsError(res);
      if (res.status >= 400 && req.method !== 'HEAD' && !errorShaped) problems.push(req.path.startsWith('/scim/') ? 'not a SCIM error body' : 'not a WorkOS error body');
      if (res.status < 300 && res.text && !res.contentType.includes('application/json') && !req.path.startsWith('/metrics')) problems.push('2xx body is not JSON');
      if (!res.headers['x-request-id']) problems.push('no X-Request-ID');
      if (problems.length) {
        failures.push(`#${i} ${problems.join(', ')}: ${req.method} ${req.path} headers=${JSON.stringify(req.headers)} body=${String(req.body).slice(0, 200)} -> ${describeRes(res)}`);
      }
    }
    assert.deepEqual(failures, [], `seed ${seed}: ${failures.length} bad answers`);
  });
});

function isScimError(res: HttpResult): boolean {
  let body: { schemas?: unknown; status?: unknown } | undefined;
  try {
    body = JSON.parse(res.text) as typeof body;
  } catch {
    return false;
  }
  return Array.isArray(body?.schemas) && body.schemas.includes('urn:ietf:params:scim:api:messages:2.0:Error') && body.status === String(res.status);
}
