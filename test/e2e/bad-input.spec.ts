import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startE2e, type E2e } from '../support/e2e-stack';
import { describe as describeRes, isWorkOsError, type HttpResult } from '../support/http';
import { fuzzRequest, fuzzScimRequest, hostileReturnTos, mulberry32, type FuzzIds } from '../support/fuzz';
import { ERROR_SCHEMA, GROUP_SCHEMA, patch, ScimClient, USER_SCHEMA } from '../support/scim-client';

// Rule 6 of DESIGN.md: bad input gets a WorkOS-shaped 4xx, never a 500 and never a partial write.
describe('bad input through the gateway', () => {
  let e: E2e;
  let orgId: string;
  let domainId: string;
  let scim: ScimClient;
  let scimUserId: string;
  let scimGroupId: string;
  /** The security review's vectors need a client, a registered redirect URI, a live session and a pending invitation. */
  let vectors: Omit<FuzzIds, 'orgId' | 'domainId' | 'apiKey'>;
  let invitationId: string;
  const REDIRECT_URI = 'https://app.fuzz.example/callback';
  const PASSWORD = 'a password long enough 1';

  const expect4xx = (res: HttpResult, what: string, status?: number) => {
    assert.ok(res.status >= 400 && res.status < 500, `${what}: ${describeRes(res)}`);
    if (status) assert.equal(res.status, status, `${what}: ${describeRes(res)}`);
    assert.ok(isWorkOsError(res), `${what}: not a WorkOS error body: ${describeRes(res)}`);
  };
  const orgCount = async () => (await (await e.workos.organizations.listOrganizations({ limit: 100 })).autoPagination()).length;

  before(async () => {
    // Every built service runs, so the fuzz below reaches each one's routes.
    // The gateway trusts the test's loopback peer as a proxy, so the fuzzed X-Forwarded-For chains are parsed, not just replaced (M3).
    e = await startE2e({
      name: 'bad-input',
      portOffset: 12000,
      apps: ['organizations', 'events', 'identity', 'sso', 'directory-sync', 'webhook-dispatcher'],
      appEnv: { 'api-gateway': { TRUSTED_PROXY_CIDRS: '127.0.0.1/32, ::1/128' } },
    });
    const org = await e.workos.organizations.createOrganization({ name: 'Target', externalId: 'target' });
    orgId = org.id;
    domainId = (await e.workos.organizationDomains.createOrganizationDomain({ organizationId: orgId, domain: 'target.example' })).id;
    ({ scim } = await newScimDirectory(true, orgId));
    scimUserId = (await scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'pinned@target.example', title: 'Pinned' })).id;
    scimGroupId = (await scim.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Pinned group', members: [{ value: scimUserId }] })).id;

    await e.addRedirectUri(REDIRECT_URI);
    const um = e.workos.userManagement;
    await um.createUser({ email: 'fuzz@invite.fuzz.example', password: PASSWORD, emailVerified: true });
    const signedIn = await um.authenticateWithPassword({ clientId: e.creds.client_id, email: 'fuzz@invite.fuzz.example', password: PASSWORD });
    const sessionId = (JSON.parse(Buffer.from(signedIn.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
    // An invitation to another address: no fuzzed grant may accept it (M11 binds it to the invited email).
    const invitation = await um.sendInvitation({ email: 'invitee@invite.fuzz.example', organizationId: orgId });
    invitationId = invitation.id;
    vectors = { clientId: e.creds.client_id, redirectUri: REDIRECT_URI, sessionId, invitationToken: invitation.token };
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
      const req = fuzzRequest(rand, { orgId, domainId, apiKey: e.creds.api_key, ...vectors });
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
      // M2: a logout redirects to a registered redirect URI or nowhere.
      if (req.path.startsWith('/user_management/sessions/logout') && res.status >= 300 && res.status < 400 && res.headers.location !== REDIRECT_URI) problems.push(`logout redirected to ${res.headers.location}`);
      if (problems.length) {
        failures.push(`#${i} ${problems.join(', ')}: ${req.method} ${req.path} headers=${JSON.stringify(req.headers)} body=${String(req.body).slice(0, 200)} -> ${describeRes(res)}`);
      }
    }
    assert.deepEqual(failures, [], `seed ${seed}: ${failures.length} bad answers`);
    assert.equal((await e.workos.userManagement.getInvitation(invitationId)).state, 'pending', 'no fuzzed grant accepted the invitation of another address');
  });

  test('logout follows return_to only when it is exactly a registered redirect URI, whatever else it is given (M2)', async () => {
    const wrong: string[] = [];
    for (const returnTo of hostileReturnTos(REDIRECT_URI)) {
      for (const sessionId of [vectors.sessionId, 'session_01HZZZZZZZZZZZZZZZZZZZZZZZ']) {
        const res = await e.http('GET', `/user_management/sessions/logout?${new URLSearchParams({ session_id: sessionId, return_to: returnTo })}`);
        const followed = res.status >= 300 && res.status < 400;
        // Surrounding spaces are trimmed before the exact comparison (the URL's parser does); nothing else is forgiven.
        const expected = returnTo.trim() === REDIRECT_URI && sessionId === vectors.sessionId;
        if (followed !== expected || (followed && res.headers.location !== REDIRECT_URI) || res.status >= 500 || (res.status >= 400 && !isWorkOsError(res))) {
          wrong.push(`${sessionId} ${JSON.stringify(returnTo.slice(0, 80))} -> ${describeRes(res)} location=${res.headers.location}`);
        }
      }
    }
    // Two return_to values, or none with no session ID: refused, never a redirect.
    for (const query of [`session_id=${vectors.sessionId}&return_to=${encodeURIComponent(REDIRECT_URI)}&return_to=https%3A%2F%2Fevil.example%2F`, 'return_to=https%3A%2F%2Fevil.example%2F', '']) {
      const res = await e.http('GET', `/user_management/sessions/logout?${query}`);
      if (res.status < 400 || res.status >= 500 || !isWorkOsError(res)) wrong.push(`${query} -> ${describeRes(res)} location=${res.headers.location}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('the review\'s other vectors are a 4xx or the documented success: X-Forwarded-For (M3), client_secret (L12), provider with organization_id (C1), invitation_token (M11)', async () => {
    const hops = Array.from({ length: 1000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`).join(', ');
    for (const xff of ['garbage', '', ' , ,', 'unknown, 1.2.3.4', '999.999.999.999', '[::1]:80, for=evil', hops, 'x'.repeat(8000)]) {
      const res = await e.http('GET', '/organizations?limit=1', { key: true, headers: { 'x-forwarded-for': xff } });
      assert.equal(res.status, 200, `X-Forwarded-For ${xff.slice(0, 40)}: ${describeRes(res)}`);
    }
    expect4xx(await e.http('GET', '/organizations?limit=1', { key: true, headers: { 'x-forwarded-for': 'x'.repeat(20_000) } }), 'a 20 KB X-Forwarded-For', 431);

    // L12: on the token endpoints, client_secret authenticates as the API key would (body or query) and a wrong one is
    // a 401; an API-key route takes the key from the Authorization header only (a client_secret field is unknown there).
    // A user of its own: the fuzz before tried wrong passwords on the other one.
    await e.workos.userManagement.createUser({ email: 'l12@secret.fuzz.example', password: PASSWORD, emailVerified: true });
    const grant = { grant_type: 'password', client_id: e.creds.client_id, email: 'l12@secret.fuzz.example', password: PASSWORD };
    const byBody = await e.http('POST', '/user_management/authenticate', { body: { ...grant, client_secret: e.creds.api_key } });
    assert.equal(byBody.status, 200, describeRes(byBody));
    const byQuery = await e.http('POST', `/user_management/authenticate?client_secret=${encodeURIComponent(e.creds.api_key)}`, { body: grant });
    assert.equal(byQuery.status, 200, describeRes(byQuery));
    for (const secret of ['sk_test_nope', `${e.creds.api_key}x`, 5, null, ['a'], { k: 'v' }]) {
      expect4xx(await e.http('POST', '/user_management/authenticate', { body: { ...grant, client_secret: secret } }), `grant with client_secret ${JSON.stringify(secret)}`);
    }
    expect4xx(await e.http('GET', `/organizations?limit=1&client_secret=${encodeURIComponent(e.creds.api_key)}`), 'an API-key route with only a client_secret', 401);
    assert.equal((await e.http('GET', '/organizations?limit=1&client_secret=sk_test_nope', { key: true })).status, 200);
    expect4xx(await e.http('POST', '/organizations', { key: true, body: { name: 'Secret in body', client_secret: 'sk_test_nope' } }), 'an API-key route with a client_secret field', 422);

    // C1: provider and organization_id together start no sign-in into the organization (no such provider here: 4xx or a redirect).
    for (const provider of ['GoogleOAuth', 'MicrosoftOAuth', 'authkit', 'bogus']) {
      const res = await e.http('GET', `/user_management/authorize?${new URLSearchParams({ client_id: e.creds.client_id, redirect_uri: REDIRECT_URI, response_type: 'code', provider, organization_id: orgId })}`);
      assert.ok(res.status < 500, `${provider}: ${describeRes(res)}`);
      if (res.status >= 400) assert.ok(isWorkOsError(res), `${provider}: ${describeRes(res)}`);
    }

    // M11: another address's invitation is refused whole, and stays pending.
    for (const grant of [
      { grant_type: 'password', email: 'fuzz@invite.fuzz.example', password: PASSWORD },
      { grant_type: 'urn:workos:oauth:grant-type:magic-auth:code', email: 'fuzz@invite.fuzz.example', code: '000000' },
      { grant_type: 'authorization_code', code: 'nope' },
    ]) {
      // (An empty invitation_token is no invitation: the grant then succeeds or fails on its own merits.)
      for (const invitation_token of [vectors.invitationToken, 'nope', 'x'.repeat(600)]) {
        const res = await e.http('POST', '/user_management/authenticate', { body: { ...grant, client_id: e.creds.client_id, client_secret: e.creds.api_key, invitation_token } });
        expect4xx(res, `${grant.grant_type} with invitation_token ${invitation_token.slice(0, 20)}`);
      }
    }
    assert.equal((await e.workos.userManagement.getInvitation(invitationId)).state, 'pending');
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
