import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve, join } from 'node:path';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { DomainDataState, NotFoundException, UnauthorizedException, WorkOS, type EventName } from '@workos-inc/node';
import { TestSamlIdp, type SamlIdp, Browser } from '../support/sso-peers';
import { waitFor } from '@wos/platform/testing';
import { startE2e, expectSdkError, waitForEvents, ROOT, type E2e } from '../support/e2e-stack';

const APP = 'https://app.example.com/sso/callback';
const SSO_EVENTS: EventName[] = ['connection.activated', 'connection.deactivated', 'connection.deleted', 'authentication.sso_succeeded', 'authentication.sso_failed'];

describe('SSO through the gateway and the WorkOS SDK', () => {
  let e: E2e;
  let idp: SamlIdp;
  let connectionId: string;
  let orgId: string;

  before(async () => {
    e = await startE2e({ name: 'sso', portOffset: 19000, apps: ['organizations', 'events', 'sso'] });
    await e.addRedirectUri(APP);
    idp = await TestSamlIdp.start();
    // Its connection signs in only its verified domain (allow_profiles_outside_organization is false by default).
    orgId = (await e.workos.organizations.createOrganization({ name: 'SSO Corp', domainData: [{ domain: 'ssocorp.example', state: DomainDataState.Verified }] })).id;
    const created = await e.http('POST', '/connections', {
      key: true,
      body: { name: 'Okta', connection_type: 'OktaSAML', organization_id: orgId, domains: ['ssocorp.example'], saml: { idp_metadata_xml: idp.metadataXml() }, activate: true },
    });
    assert.equal(created.status, 201, created.text);
    connectionId = (created.json as { id: string }).id;
    const sp = await e.http('GET', `/connections/${connectionId}/sp_metadata`, { key: true });
    const meta = sp.json as { acs_url: string; metadata_xml: string };
    assert.equal(meta.acs_url, `${e.baseUrl}/sso/saml/acs/${connectionId}`, 'the ACS URL is on the gateway');
    idp.trust(meta.metadata_xml);
    idp.user = { nameId: 'alice@ssocorp.example', attributes: { email: 'alice@ssocorp.example', firstName: 'Alice', lastName: 'Smith', groups: ['admins'] } };
  });
  after(async () => {
    await idp?.close();
    await e?.stop();
  });

  test('listConnections, getConnection with the SDK’s field names and filters', async () => {
    const got = await e.workos.sso.getConnection(connectionId);
    assert.equal(got.id, connectionId);
    assert.equal(got.type, 'OktaSAML');
    assert.equal(got.state, 'active');
    assert.equal(got.organizationId, orgId);
    assert.equal(got.domains[0]!.domain, 'ssocorp.example');
    const byOrg = await e.workos.sso.listConnections({ organizationId: orgId });
    assert.deepEqual(byOrg.data.map((c) => c.id), [connectionId]);
    assert.equal((await e.workos.sso.listConnections({ domain: 'ssocorp.example' })).data.length, 1);
    assert.equal((await e.workos.sso.listConnections({ connectionType: 'GenericOIDC' as never })).data.length, 0);
  });

  test('a confidential client: getAuthorizationUrl → IdP → ACS through the gateway → getProfileAndToken → getProfile', async () => {
    const url = e.workos.sso.getAuthorizationUrl({ connection: connectionId, clientId: e.creds.client_id, redirectUri: APP, state: 'opaque-state' });
    const result = await new Browser().browse(url, APP);
    assert.ok(result.landed, `did not land: ${result.status} ${result.body.slice(0, 300)} ${result.steps.join(' → ')}`);
    assert.equal(result.landed.searchParams.get('state'), 'opaque-state');
    const { profile, accessToken } = await e.workos.sso.getProfileAndToken({ code: result.landed.searchParams.get('code')!, clientId: e.creds.client_id });
    assert.equal(profile.email, 'alice@ssocorp.example');
    assert.equal(profile.firstName, 'Alice');
    assert.equal(profile.connectionId, connectionId);
    assert.equal(profile.connectionType, 'OktaSAML');
    assert.equal(profile.organizationId, orgId);
    assert.deepEqual(profile.groups, ['admins']);
    assert.match(profile.id, /^prof_/);
    const again = await e.workos.sso.getProfile({ accessToken });
    assert.deepEqual(again, profile);
    // On the wire the profile also says whether the IdP proved the address: a SAML assertion never does.
    const raw = await e.http('GET', '/sso/profile', { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal((raw.json as { email_verified: boolean }).email_verified, false);
    // The profile route takes the profile token, not an API key.
    await expectSdkError(e.workos.sso.getProfile({ accessToken: e.creds.api_key }), UnauthorizedException, 401);
  });

  test('a public client with PKCE (no API key), by organization', async () => {
    const publicClient = new WorkOS({ apiHostname: '127.0.0.1', port: e.port, https: false, clientId: e.creds.client_id, maxRetries: 0 });
    const { url, state, codeVerifier } = await publicClient.sso.getAuthorizationUrlWithPKCE({ organization: orgId, clientId: e.creds.client_id, redirectUri: APP });
    const result = await new Browser().browse(url, APP);
    assert.ok(result.landed, `did not land: ${result.status} ${result.body.slice(0, 300)}`);
    assert.equal(result.landed.searchParams.get('state'), state);
    const code = result.landed.searchParams.get('code')!;
    const { profile } = await publicClient.sso.getProfileAndToken({ code, clientId: e.creds.client_id, codeVerifier });
    assert.equal(profile.email, 'alice@ssocorp.example');
    // A code is good once.
    await assert.rejects(publicClient.sso.getProfileAndToken({ code, clientId: e.creds.client_id, codeVerifier }), (err: { status?: number; error?: string }) => err.status === 400 && err.error === 'invalid_grant');
  });

  test('the connection carries the legacy status; a profile from outside the organization\'s domains is refused (C2)', async () => {
    const got = await e.http('GET', `/connections/${connectionId}`, { key: true });
    assert.deepEqual([(got.json as { state: string }).state, (got.json as { status: string }).status], ['active', 'linked']);
    const insider = idp.user;
    idp.user = { nameId: 'mallory@elsewhere.example', attributes: { email: 'mallory@elsewhere.example' } };
    try {
      const result = await new Browser().browse(e.workos.sso.getAuthorizationUrl({ connection: connectionId, clientId: e.creds.client_id, redirectUri: APP }), APP);
      assert.equal(result.landed, undefined, 'no code for an outsider');
      assert.equal(result.status, 400, result.body);
      assert.equal(JSON.parse(result.body).code, 'profile_not_allowed_outside_organization');
    } finally {
      idp.user = insider;
    }
  });

  test('/sso/authorize without connection, organization or provider is a 422 naming them', async () => {
    const res = await fetch(`${e.baseUrl}/sso/authorize?${new URLSearchParams({ client_id: e.creds.client_id, redirect_uri: APP, response_type: 'code', state: 'xyz' })}`, { redirect: 'manual' });
    assert.equal(res.status, 422);
    const body = (await res.json()) as { message: string };
    for (const name of ['connection', 'organization', 'provider']) assert.match(body.message, new RegExp(name));
  });

  test('the gateway refuses an unregistered redirect_uri and an unknown client_id', async () => {
    const bad = await fetch(e.workos.sso.getAuthorizationUrl({ connection: connectionId, clientId: e.creds.client_id, redirectUri: 'https://evil.example/cb' }), { redirect: 'manual' });
    assert.ok(bad.status >= 400 && bad.status < 500, `status ${bad.status}`);
    const unknown = await fetch(e.workos.sso.getAuthorizationUrl({ connection: connectionId, clientId: 'client_01HZZZZZZZZZZZZZZZZZZZZZZZ', redirectUri: APP }), { redirect: 'manual' });
    assert.ok(unknown.status >= 400 && unknown.status < 500, `status ${unknown.status}`);
  });

  test('environment isolation: another environment neither sees nor signs in with the connection', async () => {
    const other = await e.createEnvironment('sso-other');
    const otherClient = e.client(other.api_key, { clientId: other.client_id });
    await expectSdkError(otherClient.sso.getConnection(connectionId), NotFoundException, 404);
    await expectSdkError(otherClient.sso.deleteConnection(connectionId), NotFoundException, 404);
    assert.deepEqual((await otherClient.sso.listConnections()).data, []);
    await e.addRedirectUri(APP, other.environment_id);
    const res = await fetch(otherClient.sso.getAuthorizationUrl({ connection: connectionId, clientId: other.client_id, redirectUri: APP }), { redirect: 'manual' });
    assert.equal(res.status, 404);
    // A code from this environment does not redeem in the other one.
    const result = await new Browser().browse(e.workos.sso.getAuthorizationUrl({ connection: connectionId, clientId: e.creds.client_id, redirectUri: APP }), APP);
    await assert.rejects(otherClient.sso.getProfileAndToken({ code: result.landed!.searchParams.get('code')!, clientId: other.client_id }), (err: { status?: number }) => err.status === 400);
  });

  test('deleteConnection, and every connection and sign-in event reaches GET /events', async () => {
    await e.workos.sso.deleteConnection(connectionId);
    await expectSdkError(e.workos.sso.getConnection(connectionId), NotFoundException, 404);
    const events = await waitForEvents(e.workos, SSO_EVENTS, (all) => all.some((x) => x.event === 'connection.deleted'), { message: 'connection.deleted in /events' });
    const types = events.map((x) => x.event);
    // Order holds per key (one partition), not across the topic's partitions: sign-in events are
    // keyed apart from the connection's, so only the connection's own events are checked in order.
    const lifecycle = events.filter((x) => ['connection.activated', 'connection.deleted'].includes(x.event) && (x.data as { id?: string }).id === connectionId);
    assert.deepEqual(lifecycle.map((x) => x.event), ['connection.activated', 'connection.deleted']);
    assert.ok(types.filter((t) => t === 'authentication.sso_succeeded').length >= 2);
    assert.ok(types.includes('authentication.sso_failed'), 'the reused code was recorded');
    // Raw, because the SDK drops fields it does not model: each connection event carries the same opaque external_key.
    const raw = await e.http('GET', '/events?events=connection.activated,connection.deleted', { key: true });
    const mine = (raw.json as { data: { data: { id: string; external_key?: string } }[] }).data.filter((x) => x.data.id === connectionId);
    assert.equal(mine.length, 2);
    assert.match(mine[0]!.data.external_key ?? '', /^[\w-]{25}$/);
    assert.equal(mine[1]!.data.external_key, mine[0]!.data.external_key);
  });

  test("deleteOrganization deletes the organization's connections, with connection.deleted (M7)", async () => {
    const org = await e.workos.organizations.createOrganization({ name: 'Offboarded Corp' });
    const created = await e.http('POST', '/connections', {
      key: true,
      body: { name: 'Okta', connection_type: 'OktaSAML', organization_id: org.id, saml: { idp_metadata_xml: idp.metadataXml() }, activate: true },
    });
    assert.equal(created.status, 201, created.text);
    const doomed = (created.json as { id: string }).id;
    await e.workos.organizations.deleteOrganization(org.id);
    await waitFor(async () => (await e.http('GET', `/connections/${doomed}`, { key: true })).status === 404, { timeoutMs: 60_000, message: 'the connection of the deleted organization to go' });
    await waitForEvents(e.workos, ['connection.deleted'], (all) => all.some((x) => (x.data as { id: string }).id === doomed), { message: 'its connection.deleted in /events' });
  });

  test('wos connections works against the gateway', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sso-cli-'));
    const metadataFile = join(dir, 'idp.xml');
    writeFileSync(metadataFile, idp.metadataXml());
    const cli = async (...args: string[]) =>
      (await promisify(execFile)(process.execPath, [resolve(ROOT, 'tools/wos.mjs'), 'connections', ...args], { env: { ...process.env, WOS_API_KEY: e.creds.api_key, WOS_API_URL: e.baseUrl } })).stdout;
    const created = JSON.parse(await cli('create-saml', '--name', 'From the CLI', '--type', 'GenericSAML', '--metadata-file', metadataFile, '--domain', 'cli.example', '--activate', '--json'));
    assert.equal(created.state, 'active');
    assert.ok(JSON.parse(await cli('list', '--json')).data.some((c: { id: string }) => c.id === created.id));
    assert.equal(JSON.parse(await cli('deactivate', created.id, '--json')).state, 'inactive');
    assert.match(await cli('sp-metadata', created.id, '--xml'), /AssertionConsumerService[^>]*\/sso\/saml\/acs\/conn_/);
    await cli('delete', created.id);
    await expectSdkError(e.workos.sso.getConnection(created.id), NotFoundException, 404);
    await assert.rejects(cli('get', created.id), /404/);
  });
});
