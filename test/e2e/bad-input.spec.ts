import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startE2e, type E2e } from '../support/e2e-stack';
import { describe as describeRes, isWorkOsError, type HttpResult } from '../support/http';
import { fuzzRequest, mulberry32 } from '../support/fuzz';

// Rule 6 of DESIGN.md: bad input gets a WorkOS-shaped 4xx, never a 500 and never a partial write.
describe('bad input through the gateway', () => {
  let e: E2e;
  let orgId: string;
  let domainId: string;

  const expect4xx = (res: HttpResult, what: string, status?: number) => {
    assert.ok(res.status >= 400 && res.status < 500, `${what}: ${describeRes(res)}`);
    if (status) assert.equal(res.status, status, `${what}: ${describeRes(res)}`);
    assert.ok(isWorkOsError(res), `${what}: not a WorkOS error body: ${describeRes(res)}`);
  };
  const orgCount = async () => (await (await e.workos.organizations.listOrganizations({ limit: 100 })).autoPagination()).length;

  before(async () => {
    // Every built service runs, so the fuzz below reaches each one's routes.
    e = await startE2e({ name: 'bad-input', portOffset: 12000, redisDb: 13, apps: ['organizations', 'events', 'identity', 'sso', 'directory-sync', 'webhook-dispatcher'] });
    const org = await e.workos.organizations.createOrganization({ name: 'Target', externalId: 'target' });
    orgId = org.id;
    domainId = (await e.workos.organizationDomains.createOrganizationDomain({ organizationId: orgId, domain: 'target.example' })).id;
  });
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
