import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign, verify, type JsonWebKey } from 'node:crypto';
import { NotFoundException, UnprocessableEntityException, type Organization, type User, type WorkOS } from '@workos-inc/node';
import { signInternalRequest } from '@wos/platform';
import { startTxtDnsServer, uniqueSuffix, waitFor, type TxtDnsServer } from '@wos/platform/testing';
import { startE2e, expectSdkError, waitForEvents, type E2e } from '../support/e2e-stack';
import { ScimClient, USER_SCHEMA } from '../support/scim-client';
import { TestSamlIdp, type SamlIdp } from '../support/sso-peers';

const ALL_SCOPES = ['widgets:users-table:manage', 'widgets:sso:manage', 'widgets:domain-verification:manage', 'widgets:api-keys:manage', 'widgets:dsync:manage', 'widgets:audit-log-streaming:manage'] as const;
const APP = 'https://app.example.com';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const parts = (token: string) => {
  const [h, p, s] = token.split('.') as [string, string, string];
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, string>, claims: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>, h, p, s };
};

describe('Widgets: widgets.createToken through the SDK, and the widget endpoints with the token as the only credential', () => {
  let e: E2e;
  let w: WorkOS;
  let dns: TxtDnsServer;
  let idp: SamlIdp;
  const tag = uniqueSuffix();
  const tld = `widgets-${tag}.example`;
  let orgA: Organization;
  let orgB: Organization;
  let ada: User;
  let bob: User;
  let carol: User;
  let bobMembership: string;
  let carolMembership: string;
  let adaMembership: string;

  before(async () => {
    dns = await startTxtDnsServer();
    e = await startE2e({
      name: 'widgets_sdk',
      portOffset: 4500,
      apps: ['organizations', 'events', 'identity', 'authorization', 'sso', 'directory-sync', 'audit-logs'],
      appEnv: { organizations: { DNS_SERVERS: `127.0.0.1:${dns.port}`, DNS_TIMEOUT_MS: '2000' } },
    });
    w = e.workos;
    idp = await TestSamlIdp.start();
    for (const slug of ['admin', 'member']) await w.authorization.createEnvironmentRole({ slug, name: slug });
    orgA = await w.organizations.createOrganization({ name: `Widgets A ${tag}` });
    orgB = await w.organizations.createOrganization({ name: `Widgets B ${tag}` });
    [ada, bob, carol] = await Promise.all(['ada', 'bob', 'carol'].map((n) => w.userManagement.createUser({ email: `${n}-${tag}@example.com`, firstName: n })));
    adaMembership = (await w.userManagement.createOrganizationMembership({ organizationId: orgA.id, userId: ada.id, roleSlug: 'admin' })).id;
    bobMembership = (await w.userManagement.createOrganizationMembership({ organizationId: orgA.id, userId: bob!.id })).id;
    carolMembership = (await w.userManagement.createOrganizationMembership({ organizationId: orgB.id, userId: carol!.id })).id;
    const conn = await e.http('POST', '/connections', { key: true, body: { name: 'A Okta', connection_type: 'OktaSAML', organization_id: orgA.id, saml: { idp_metadata_xml: idp.metadataXml() } } });
    assert.equal(conn.status, 201, conn.text);
    assert.equal((await e.http('POST', '/user_management/cors_origins', { key: true, body: { origin: APP } })).status, 201);
  });
  after(async () => {
    await idp?.close();
    await e?.stop();
    await dns?.close();
  });

  const tokenFor = async (organizationId: string, userId?: string, scopes: readonly string[] = ALL_SCOPES) =>
    (await w.widgets.createToken({ organizationId, userId, scopes: scopes as never })).token;
  const widget = (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    e.http(method, path, { headers: { authorization: `Bearer ${token}`, ...headers }, body });

  test('createToken: a one-hour RS256 JWT on the environment’s published keys, for one organization, user and scopes', async () => {
    const { token } = await w.widgets.createToken({ organizationId: orgA.id, userId: ada.id, scopes: ['widgets:users-table:manage', 'widgets:sso:manage'] });
    const { header, claims, h, p, s } = parts(token);
    assert.equal(header.alg, 'RS256');
    assert.deepEqual(
      [claims.org_id, claims.sub, claims.scope, claims.client_id, claims.aud],
      [orgA.id, ada.id, 'widgets:users-table:manage widgets:sso:manage', e.creds.client_id, 'workos:widgets'],
    );
    assert.equal((claims.exp as number) - (claims.iat as number), 3600);
    assert.equal(claims.sid, undefined, 'no session: it is not an AuthKit access token');
    const jwks = (await e.http('GET', `/sso/jwks/${e.creds.client_id}`)).json as { keys: (JsonWebKey & { kid: string })[] };
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    assert.ok(jwk, 'signed with a key the environment publishes');
    assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url')));

    const orgOnly = parts(await tokenFor(orgB.id, undefined, [])).claims;
    assert.deepEqual([orgOnly.org_id, orgOnly.sub, orgOnly.scope], [orgB.id, undefined, '']);
  });

  test('createToken refuses unknown organizations and users (404 entity_not_found), non-members and unknown scopes (422)', async () => {
    const missingOrg = await expectSdkError(w.widgets.createToken({ organizationId: 'org_01HZZZZZZZZZZZZZZZZZZZZZZZ' }), NotFoundException, 404);
    assert.equal(missingOrg.code, 'entity_not_found');
    const raw = await e.http('POST', '/widgets/token', { key: true, body: { organization_id: orgA.id, user_id: 'user_01HZZZZZZZZZZZZZZZZZZZZZZZ' } });
    assert.equal(raw.status, 404);
    assert.deepEqual([(raw.json as { code: string }).code, (raw.json as { entity_id: string }).entity_id], ['entity_not_found', 'user_01HZZZZZZZZZZZZZZZZZZZZZZZ']);
    await expectSdkError(w.widgets.createToken({ organizationId: orgA.id, userId: carol.id }), UnprocessableEntityException, 422);
    await expectSdkError(w.widgets.createToken({ organizationId: orgA.id, scopes: ['widgets:everything' as never] }), UnprocessableEntityException, 422);
    for (const body of [{}, { organization_id: orgA.id, extra: 1 }, { organization_id: 7 }, { organization_id: orgA.id, scopes: 'widgets:sso:manage' }]) {
      assert.equal((await e.http('POST', '/widgets/token', { key: true, body })).status, 422, JSON.stringify(body));
    }
  });

  test('users table: members of the token’s organization only, paginated; invite, change a role, remove, with the public API’s events', async () => {
    const token = await tokenFor(orgA.id, ada.id, ['widgets:users-table:manage']);
    const first = await widget(token, 'GET', '/widgets/users-table/members?limit=1&order=asc');
    assert.equal(first.status, 200, first.text);
    const page1 = first.json as { data: { id: string; user: { email: string } }[]; list_metadata: { after: string | null } };
    assert.equal(page1.data.length, 1);
    const second = (await widget(token, 'GET', `/widgets/users-table/members?limit=5&order=asc&after=${page1.list_metadata.after}`)).json as typeof page1;
    assert.deepEqual([...page1.data, ...second.data].map((m) => m.id), [adaMembership, bobMembership], "its organization's members, never another's");
    assert.equal(page1.data[0]!.user.email, ada.email);

    const invited = await widget(token, 'POST', '/widgets/users-table/invitations', { email: `dora-${tag}@example.com`, role_slug: 'member' });
    assert.equal(invited.status, 201, invited.text);
    const inv = invited.json as Record<string, unknown>;
    assert.deepEqual([inv.object, inv.organization_id, inv.inviter_user_id, inv.state], ['invitation', orgA.id, ada.id, 'pending']);
    assert.equal(inv.token, undefined, 'the widget never sees the invitation token');
    assert.deepEqual(((await widget(token, 'GET', '/widgets/users-table/invitations')).json as { data: { id: string }[] }).data.map((i) => i.id), [inv.id]);

    const promoted = await widget(token, 'PUT', `/widgets/users-table/members/${bobMembership}`, { role_slug: 'admin' });
    assert.equal(promoted.status, 200, promoted.text);
    assert.equal((promoted.json as { role: { slug: string } }).role.slug, 'admin');
    assert.equal((await w.userManagement.getOrganizationMembership(bobMembership)).role.slug, 'admin');
    const unknownRole = await widget(token, 'PUT', `/widgets/users-table/members/${bobMembership}`, { role_slug: 'overlord' });
    assert.equal(unknownRole.status, 422, 'roles are checked against the authorization catalogue');

    assert.equal((await widget(token, 'DELETE', `/widgets/users-table/members/${bobMembership}`)).status, 204);
    await expectSdkError(w.userManagement.getOrganizationMembership(bobMembership), NotFoundException, 404);
    const revoked = await widget(token, 'POST', `/widgets/users-table/invitations/${inv.id as string}/revoke`);
    assert.deepEqual([revoked.status, (revoked.json as { state: string }).state], [200, 'revoked']);

    const events = await waitForEvents(w, ['invitation.created', 'invitation.revoked', 'organization_membership.updated', 'organization_membership.deleted'], (all) => all.some((ev) => ev.event === 'organization_membership.deleted' && (ev.data as { id: string }).id === bobMembership) && all.some((ev) => ev.event === 'invitation.revoked'));
    const mine = events.filter((ev) => [bobMembership, inv.id].includes((ev.data as { id: string }).id)).map((ev) => ev.event);
    assert.deepEqual(mine, ['invitation.created', 'organization_membership.updated', 'organization_membership.deleted', 'invitation.revoked']);
  });

  test('users table: bad input is a 4xx, and the widget user cannot change or remove their own membership', async () => {
    const token = await tokenFor(orgA.id, ada.id, ['widgets:users-table:manage']);
    const cases: [string, string, unknown, number][] = [
      ['POST', '/widgets/users-table/invitations', { email: 'not-an-email' }, 422],
      ['POST', '/widgets/users-table/invitations', { email: `x-${tag}@example.com`, organization_id: orgB.id }, 422],
      ['PUT', `/widgets/users-table/members/${adaMembership}`, { role_slug: 'member', extra: true }, 422],
      ['GET', '/widgets/users-table/members?limit=1000', undefined, 422],
      ['DELETE', '/widgets/users-table/members/om_01HZZZZZZZZZZZZZZZZZZZZZZZ', undefined, 404],
      ['DELETE', '/widgets/users-table/members/not-an-id', undefined, 404],
      ['PUT', `/widgets/users-table/members/${adaMembership}`, { role_slug: 'member' }, 403],
      ['DELETE', `/widgets/users-table/members/${adaMembership}`, undefined, 403],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await widget(token, method, path, body);
      assert.equal(res.status, status, `${method} ${path} ${res.text}`);
      assert.equal(typeof (res.json as { code?: unknown }).code, 'string', 'a WorkOS-shaped error body');
    }
  });

  test("SSO: the organization's connections and their state", async () => {
    const token = await tokenFor(orgA.id, ada.id, ['widgets:sso:manage']);
    const res = await widget(token, 'GET', '/widgets/sso/connections');
    assert.equal(res.status, 200, res.text);
    const list = res.json as { object: string; data: { name: string; state: string; organization_id: string; connection_type: string }[] };
    assert.equal(list.object, 'list');
    assert.deepEqual(list.data.map((c) => [c.name, c.state, c.organization_id, c.connection_type]), [['A Okta', 'draft', orgA.id, 'OktaSAML']]);
    const other = await widget(await tokenFor(orgB.id, carol.id, ['widgets:sso:manage']), 'GET', '/widgets/sso/connections');
    assert.deepEqual((other.json as { data: unknown[] }).data, [], "another organization's widget sees none of them");
  });

  test('domain verification: add a domain, publish its TXT record, verify it through the widget', async () => {
    const token = await tokenFor(orgA.id, ada.id, ['widgets:domain-verification:manage']);
    const added = await widget(token, 'POST', '/widgets/domain-verification/domains', { domain: `good.${tld}` });
    assert.equal(added.status, 201, added.text);
    const domain = added.json as { id: string; organization_id: string; state: string; verification_token: string; verification_prefix: string };
    assert.deepEqual([domain.organization_id, domain.state], [orgA.id, 'pending']);
    dns.setTxt(`${domain.verification_prefix}.good.${tld}`, [domain.verification_token]);
    const verified = await widget(token, 'POST', `/widgets/domain-verification/domains/${domain.id}/verify`, {});
    assert.equal(verified.status, 200, verified.text);
    await waitFor(async () => ((await w.organizationDomains.getOrganizationDomain(domain.id)).state === 'verified' ? true : undefined), { timeoutMs: 15_000, message: 'the domain to be verified' });
    const listed = (await widget(token, 'GET', '/widgets/domain-verification/domains')).json as { data: { id: string; state: string }[] };
    assert.deepEqual(listed.data.map((d) => [d.id, d.state]), [[domain.id, 'verified']]);
    assert.equal((await widget(token, 'POST', '/widgets/domain-verification/domains', { domain: '' })).status, 422);
    assert.equal((await widget(token, 'POST', '/widgets/domain-verification/domains', { domain: `good.${tld}` })).status, 409, "the organizations service's own refusal passes through");
    assert.equal((await widget(token, 'DELETE', `/widgets/domain-verification/domains/${domain.id}`)).status, 204);
    assert.deepEqual((await w.organizations.getOrganization(orgA.id)).domains, []);
  });

  test("API keys: the organization's own keys, created (value shown once), listed and deleted", async () => {
    const token = await tokenFor(orgA.id, ada.id, ['widgets:api-keys:manage']);
    const created = await widget(token, 'POST', '/widgets/api-keys', { name: 'CI' });
    assert.equal(created.status, 201, created.text);
    const key = created.json as { id: string; value: string; owner: { type: string; id: string } };
    assert.deepEqual(key.owner, { type: 'organization', id: orgA.id });
    assert.equal((await w.apiKeys.createValidation({ value: key.value })).apiKey?.id, key.id);
    const list = (await widget(token, 'GET', '/widgets/api-keys')).json as { data: Record<string, unknown>[] };
    assert.deepEqual(list.data.map((k) => [k.id, 'value' in k]), [[key.id, false]]);
    assert.equal((await widget(token, 'POST', '/widgets/api-keys', { name: 'x', permissions: ['nope:nothing'] })).status, 422);
    assert.equal((await widget(token, 'DELETE', `/widgets/api-keys/${key.id}`)).status, 204);
    assert.equal((await w.apiKeys.createValidation({ value: key.value })).apiKey, null);
  });

  test('Directory Sync: create a directory (SCIM token shown once, and it works), list its users, rotate the token, delete it, with the public API’s events', async () => {
    const token = await tokenFor(orgA.id, ada.id, ['widgets:dsync:manage']);
    assert.deepEqual(((await widget(token, 'GET', '/widgets/dsync/directories')).json as { data: unknown[] }).data, []);
    const created = await widget(token, 'POST', '/widgets/dsync/directories', { name: 'A Okta', type: 'okta scim v2.0' });
    assert.equal(created.status, 201, created.text);
    const dir = created.json as { id: string; organization_id: string; type: string; state: string; base_url: string; bearer_token: string };
    assert.deepEqual([dir.organization_id, dir.type], [orgA.id, 'okta scim v2.0']);
    assert.equal(dir.base_url, `${e.baseUrl}/scim/v2/${dir.id}`);
    // The IdP provisions with what the widget showed.
    const scim = new ScimClient(dir.base_url, dir.bearer_token);
    const user = await scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: `zed-${tag}@example.com`, name: { givenName: 'Zed', familyName: 'Ra' }, emails: [{ value: `zed-${tag}@example.com`, primary: true }], active: true });
    const users = await widget(token, 'GET', `/widgets/dsync/directories/${dir.id}/users?limit=10`);
    assert.equal(users.status, 200, users.text);
    assert.deepEqual((users.json as { data: { idp_id: string; email: string }[] }).data.map((u) => [u.idp_id, u.email]), [[user.id, `zed-${tag}@example.com`]]);
    assert.equal(((await widget(token, 'GET', `/widgets/dsync/directories/${dir.id}/groups`)).json as { data: unknown[] }).data.length, 0);
    const listed = (await widget(token, 'GET', '/widgets/dsync/directories')).json as { data: Record<string, unknown>[] };
    assert.deepEqual(listed.data.map((d) => [d.id, 'bearer_token' in d]), [[dir.id, false]], 'the token is never listed');
    const got = await widget(token, 'GET', `/widgets/dsync/directories/${dir.id}`);
    assert.deepEqual([got.status, (got.json as { id: string }).id], [200, dir.id]);

    const rotated = await widget(token, 'POST', `/widgets/dsync/directories/${dir.id}/token`, {});
    assert.equal(rotated.status, 200, rotated.text);
    const fresh = (rotated.json as { bearer_token: string }).bearer_token;
    assert.notEqual(fresh, dir.bearer_token);
    assert.equal((await scim.call('GET', '/Users')).status, 401, 'the old token stops working');
    assert.equal((await scim.withToken(fresh).call('GET', '/Users')).status, 200);

    for (const [method, path, body, status] of [
      ['POST', '/widgets/dsync/directories', { name: 'x', type: 'carrier pigeon' }, 422],
      ['POST', '/widgets/dsync/directories', { name: 'x', type: 'okta scim v2.0', organization_id: orgB.id }, 422],
      ['GET', '/widgets/dsync/directories/directory_01HZZZZZZZZZZZZZZZZZZZZZZZ', undefined, 404],
      ['GET', `/widgets/dsync/directories/${dir.id}/users?limit=1000`, undefined, 422],
    ] as const) {
      const res = await widget(token, method, path, body);
      assert.equal(res.status, status, `${method} ${path} ${res.text}`);
      assert.equal(typeof (res.json as { code?: unknown }).code, 'string', 'a WorkOS-shaped error body');
    }

    assert.equal((await widget(token, 'DELETE', `/widgets/dsync/directories/${dir.id}`)).status, 204);
    await expectSdkError(w.directorySync.getDirectory(dir.id), NotFoundException, 404);
    await waitForEvents(w, ['dsync.deleted'], (all) => all.some((ev) => (ev.data as { id: string }).id === dir.id), { message: 'dsync.deleted for the widget’s directory' });
  });

  test("audit-log streaming: the organization's streams, created (the signing secret shown once), listed and deleted", async () => {
    const token = await tokenFor(orgA.id, ada.id, ['widgets:audit-log-streaming:manage']);
    const created = await widget(token, 'POST', '/widgets/audit-log-streaming/log_streams', { type: 'https', name: 'SIEM', config: { url: 'http://127.0.0.1:9/ingest' } });
    assert.equal(created.status, 201, created.text);
    const stream = created.json as { id: string; organization_id: string; type: string; name: string; secret?: string };
    assert.deepEqual([stream.organization_id, stream.type, stream.name], [orgA.id, 'https', 'SIEM']);
    assert.match(stream.secret ?? '', /^lss_/);
    const api = await e.http('GET', `/audit_logs/log_streams?organization_id=${orgA.id}`, { key: true });
    assert.deepEqual((api.json as { data: { id: string }[] }).data.map((x) => x.id), [stream.id], 'the public API sees the same stream');
    const listed = (await widget(token, 'GET', '/widgets/audit-log-streaming/log_streams')).json as { data: Record<string, unknown>[] };
    assert.deepEqual(listed.data.map((x) => [x.id, 'secret' in x]), [[stream.id, false]]);
    for (const body of [{ type: 'ftp', config: {} }, { type: 'https', config: { url: 'not a url' } }, { type: 'https', config: { url: 'https://siem.example.com' }, organization_id: orgB.id }]) {
      const res = await widget(token, 'POST', '/widgets/audit-log-streaming/log_streams', body);
      assert.equal(res.status, 422, `${JSON.stringify(body)} ${res.text}`);
    }
    assert.equal((await widget(token, 'DELETE', `/widgets/audit-log-streaming/log_streams/${stream.id}`)).status, 204);
    assert.deepEqual(((await widget(token, 'GET', '/widgets/audit-log-streaming/log_streams')).json as { data: unknown[] }).data, []);
    assert.equal((await widget(token, 'DELETE', '/widgets/audit-log-streaming/log_streams/log_stream_01HZZZZZZZZZZZZZZZZZZZZZZZ')).status, 404);
  });

  test("refused: a scope the token lacks, another organization's entities, a user who left (403/401)", async () => {
    const ssoOnly = await tokenFor(orgA.id, ada.id, ['widgets:sso:manage']);
    for (const [method, path] of [['GET', '/widgets/users-table/members'], ['GET', '/widgets/domain-verification/domains'], ['GET', '/widgets/api-keys'], ['GET', '/widgets/dsync/directories'], ['POST', '/widgets/audit-log-streaming/log_streams']] as const) {
      const res = await widget(ssoOnly, method, path);
      assert.deepEqual([res.status, (res.json as { code: string }).code], [403, 'widget_scope_missing'], path);
    }

    const tokenA = await tokenFor(orgA.id, ada.id);
    const domainB = await w.organizationDomains.createOrganizationDomain({ organizationId: orgB.id, domain: `b.${tld}` });
    const keyB = await w.apiKeys.createOrganizationApiKey({ organizationId: orgB.id, name: 'B' });
    const invB = await w.userManagement.sendInvitation({ email: `eve-${tag}@example.com`, organizationId: orgB.id });
    const dirB = (await e.http('POST', '/directories', { key: true, body: { organization_id: orgB.id, name: 'B dir', type: 'okta scim v2.0' } })).json as { id: string };
    const streamB = (await e.http('POST', '/audit_logs/log_streams', { key: true, body: { organization_id: orgB.id, type: 'https', config: { url: 'http://127.0.0.1:9/b' } } })).json as { id: string };
    const foreign: [string, string, unknown][] = [
      ['PUT', `/widgets/users-table/members/${carolMembership}`, { role_slug: 'admin' }],
      ['DELETE', `/widgets/users-table/members/${carolMembership}`, undefined],
      ['POST', `/widgets/users-table/invitations/${invB.id}/revoke`, undefined],
      ['POST', `/widgets/domain-verification/domains/${domainB.id}/verify`, {}],
      ['DELETE', `/widgets/domain-verification/domains/${domainB.id}`, undefined],
      ['DELETE', `/widgets/api-keys/${keyB.id}`, undefined],
      ['GET', `/widgets/dsync/directories/${dirB.id}`, undefined],
      ['GET', `/widgets/dsync/directories/${dirB.id}/users`, undefined],
      ['POST', `/widgets/dsync/directories/${dirB.id}/token`, {}],
      ['DELETE', `/widgets/dsync/directories/${dirB.id}`, undefined],
      ['DELETE', `/widgets/audit-log-streaming/log_streams/${streamB.id}`, undefined],
    ];
    for (const [method, path, body] of foreign) {
      const res = await widget(tokenA, method, path, body);
      assert.deepEqual([res.status, (res.json as { code: string }).code], [403, 'widget_organization_mismatch'], `${method} ${path}`);
    }
    assert.equal((await w.userManagement.getOrganizationMembership(carolMembership)).role.slug, 'member', 'nothing changed');
    assert.equal((await w.organizationDomains.getOrganizationDomain(domainB.id)).state, 'pending');
    assert.equal((await w.directorySync.getDirectory(dirB.id)).id, dirB.id);
    assert.equal((await e.http('GET', `/audit_logs/log_streams/${streamB.id}`, { key: true })).status, 200);

    // A member who leaves the organization takes the tokens issued for them along.
    const leaver = await w.userManagement.createUser({ email: `leaver-${tag}@example.com` });
    const m = await w.userManagement.createOrganizationMembership({ organizationId: orgB.id, userId: leaver.id });
    const leaverToken = await tokenFor(orgB.id, leaver.id);
    assert.equal((await widget(leaverToken, 'GET', '/widgets/sso/connections')).status, 200);
    await w.userManagement.deleteOrganizationMembership(m.id);
    assert.equal((await widget(leaverToken, 'GET', '/widgets/sso/connections')).status, 401);
  });

  test('refused (401): tampered, forged, foreign-environment and AuthKit tokens; another environment’s token reaches nothing here', async () => {
    const token = await tokenFor(orgA.id, ada.id);
    const { header, claims, h, s } = parts(token);
    const probe = (t: string) => widget(t, 'GET', '/widgets/sso/connections');
    assert.equal((await probe(token)).status, 200);

    const tampered = `${h}.${b64({ ...claims, org_id: orgB.id })}.${s}`;
    const keyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forgedBody = `${b64(header)}.${b64({ ...claims, exp: Math.floor(Date.now() / 1000) + 86_400 })}`;
    const forged = `${forgedBody}.${sign('sha256', Buffer.from(forgedBody), keyPair.privateKey).toString('base64url')}`;
    const unsigned = `${b64({ alg: 'none' })}.${b64(claims)}.`;
    const envB = await e.createEnvironment(`widgets-b-${tag}`);
    const wB = e.client(envB.api_key);
    const orgInB = await wB.organizations.createOrganization({ name: 'Other environment' });
    const tokenB = (await wB.widgets.createToken({ organizationId: orgInB.id, scopes: [...ALL_SCOPES] })).token;
    // Environment B's token edited to name environment A's client: the gateway routes it to A, where B's key does not verify.
    const pB = parts(tokenB);
    const crossed = `${pB.h}.${b64({ ...pB.claims, client_id: e.creds.client_id })}.${pB.s}`;
    await w.userManagement.updateUser({ userId: ada.id, password: `Widgets-${tag}-pw!` });
    const access = (await w.userManagement.authenticateWithPassword({ clientId: e.creds.client_id, email: ada.email, password: `Widgets-${tag}-pw!` })).accessToken;
    for (const [name, t] of Object.entries({ tampered, forged, unsigned, crossed, access })) {
      const res = await probe(t);
      assert.deepEqual([res.status, (res.json as { code: string }).code], [401, 'unauthorized'], name);
    }
    // B's genuine token: its own environment, so A's membership IDs do not exist there.
    assert.equal((await widget(tokenB, 'DELETE', `/widgets/users-table/members/${adaMembership}`)).status, 404);
    assert.equal((await widget(tokenB, 'GET', '/widgets/sso/connections')).status, 200);
    assert.deepEqual(((await widget(tokenB, 'GET', '/widgets/users-table/members')).json as { data: unknown[] }).data, []);
  });

  test('CORS: readable from the environment’s origins only; preflights allow the widget methods', async () => {
    const token = await tokenFor(orgA.id, ada.id);
    const pre = await e.http('OPTIONS', '/widgets/users-table/members/om_x', { headers: { origin: APP, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,content-type' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], APP);
    assert.match(String(pre.headers['access-control-allow-methods']), /PUT/);
    const mine = await widget(token, 'GET', '/widgets/sso/connections', undefined, { origin: APP });
    assert.equal(mine.headers['access-control-allow-origin'], APP);
    const theirs = await widget(token, 'GET', '/widgets/sso/connections', undefined, { origin: 'https://elsewhere.example' });
    assert.equal(theirs.headers['access-control-allow-origin'], undefined);
  });

  test('an expired token is refused (a replica issuing 3-second tokens)', async () => {
    const replica = await e.stack.spawnReplica('identity', e.stack.port('identity') + 400, { WIDGET_TOKEN_TTL_SECONDS: '3' });
    const body = JSON.stringify({ organization_id: orgA.id, user_id: ada.id, scopes: ['widgets:sso:manage'] });
    const headers = signInternalRequest(e.stack.internalAuthKey('identity'), 'identity', e.creds.environment_id, { method: 'POST', path: '/widgets/token', body }, { authKind: 'api_key' });
    const res = await fetch(`${replica.url}/widgets/token`, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } });
    assert.equal(res.status, 200, await res.clone().text());
    const { token } = (await res.json()) as { token: string };
    const { claims } = parts(token);
    assert.equal((claims.exp as number) - (claims.iat as number), 3);
    assert.equal((await widget(token, 'GET', '/widgets/sso/connections')).status, 200, 'valid when issued');
    await waitFor(async () => ((await widget(token, 'GET', '/widgets/sso/connections')).status === 401 ? true : undefined), { timeoutMs: 15_000, intervalMs: 500, message: 'the token to expire' });
    await replica.kill('SIGTERM');
  });
});
