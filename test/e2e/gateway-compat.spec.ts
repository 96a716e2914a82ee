import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertValidOpenApi31, uniqueSuffix, waitFor } from '@wos/platform/testing';
import { ROOT, startE2e, type E2e } from '../support/e2e-stack';
import { describe as describeRes, isWorkOsError, type HttpResult } from '../support/http';
import { ScimClient } from '../support/scim-client';

/*
 * Requests people write from articles, older docs and other SDKs (issue 23), idempotency keys as
 * WorkOS scopes them (issue 21 item 5), and the official `workos` CLI's config commands (issue
 * 21 item 7), all through plain HTTP or the CLI against the whole stack.
 */
describe('the gateway: compatibility with older spellings, other clients and the workos CLI', () => {
  let e: E2e;
  const password = 'a long enough password 1';
  const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { sid: string; sub: string };
  const errorMessage = (res: HttpResult) => (res.json as { message: string }).message;

  before(async () => {
    e = await startE2e({ name: 'gateway_compat', portOffset: 1500, apps: ['organizations', 'events', 'identity', 'sso', 'directory-sync'] });
  });
  after(async () => {
    await e?.stop();
  });

  async function newUser(): Promise<{ id: string; email: string }> {
    const email = `u-${uniqueSuffix().toLowerCase()}@compat.example`;
    const res = await e.http('POST', '/user_management/users', { key: true, body: { email, password, email_verified: true } });
    assert.equal(res.status, 201, describeRes(res));
    return { id: (res.json as { id: string }).id, email };
  }

  describe('issue 23: every row of the table', () => {
    test('POST /organizations with the older "domains" is accepted as pending domain_data', async () => {
      const res = await e.http('POST', '/organizations', { key: true, body: { name: 'Acme Corp', domains: [`acme-${uniqueSuffix().toLowerCase()}.com`] } });
      assert.equal(res.status, 201, describeRes(res));
      assert.equal((res.json as { domains: { state: string }[] }).domains[0]?.state, 'pending');
    });

    test('GET /events takes event_types[] as events[], and refuses a time as after with a pointer to range_start', async () => {
      const user = await newUser();
      const listed = await waitFor(
        async () => {
          const res = await e.http('GET', '/events?event_types[]=user.created&limit=100&order=desc', { key: true });
          assert.equal(res.status, 200, describeRes(res));
          const data = (res.json as { data: { event: string; data: { id: string } }[] }).data;
          return data.some((ev) => ev.data.id === user.id) ? data : undefined;
        },
        { timeoutMs: 60_000, message: 'user.created through event_types[]' },
      );
      assert.ok(listed.every((ev) => ev.event === 'user.created'));
      const res = await e.http('GET', '/events?event_types[]=user.created&after=2025-01-01T00:00:00Z', { key: true });
      assert.equal(res.status, 422, describeRes(res));
      assert.ok(isWorkOsError(res));
      assert.match(errorMessage(res), /range_start/);
    });

    test('GET /directories/{id}/users and /groups serve the same lists as /directory_users and /directory_groups?directory={id}', async () => {
      const org = (await e.http('POST', '/organizations', { key: true, body: { name: `Dir org ${uniqueSuffix()}` } })).json as { id: string };
      const created = await e.http('POST', '/directories', { key: true, body: { organization_id: org.id, name: 'Okta', type: 'okta scim v2.0' } });
      assert.equal(created.status, 201, describeRes(created));
      const dir = created.json as { id: string; base_url: string; bearer_token: string };
      const scim = new ScimClient(dir.base_url, dir.bearer_token);
      await scim.expect(201, 'POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@dir.test', name: { givenName: 'Ada', familyName: 'L' }, emails: [{ primary: true, value: 'ada@dir.test' }], active: true });
      await scim.expect(201, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering' });
      for (const [alias, canonical] of [[`/directories/${dir.id}/users`, `/directory_users?directory=${dir.id}`], [`/directories/${dir.id}/groups?limit=5`, `/directory_groups?directory=${dir.id}&limit=5`]]) {
        const viaAlias = await e.http('GET', alias!, { key: true });
        const direct = await e.http('GET', canonical!, { key: true });
        assert.equal(viaAlias.status, 200, describeRes(viaAlias));
        assert.equal((viaAlias.json as { data: unknown[] }).data.length, 1);
        assert.deepEqual(viaAlias.json, direct.json, alias);
      }
      const both = await e.http('GET', `/directories/${dir.id}/users?directory=other`, { key: true });
      assert.equal(both.status, 400, describeRes(both));
      assert.equal((await e.http('GET', `/directories/${dir.id}/users`)).status, 401, 'the alias takes the canonical route\'s auth');
    });

    test('/organization_memberships (GET and POST) is a 404 that names /user_management/organization_memberships', async () => {
      for (const method of ['GET', 'POST']) {
        const res = await e.http(method, '/organization_memberships', { key: true, body: method === 'POST' ? {} : undefined });
        assert.equal(res.status, 404, describeRes(res));
        assert.ok(isWorkOsError(res));
        assert.match(errorMessage(res), /\/user_management\/organization_memberships/);
      }
    });

    // POST /data_integrations/… is served as /data-integrations/… since Pipes shipped: test/e2e/pipes.sdk.spec.ts.
    test('/feature_flags/… is served as /feature-flags/…', async () => {
      const flag = await e.http('GET', '/feature_flags/beta', { key: true });
      assert.equal(flag.status, 404, describeRes(flag));
      assert.equal((flag.json as { code: string }).code, 'entity_not_found', 'the organizations service answered for /feature-flags/beta');
    });

    test('POST /user_management/sessions is a 404 that names the session endpoints and /user_management/authenticate', async () => {
      const res = await e.http('POST', '/user_management/sessions', { key: true, body: {} });
      assert.equal(res.status, 404, describeRes(res));
      assert.ok(isWorkOsError(res));
      for (const named of ['/user_management/authenticate', '/user_management/users/{id}/sessions', '/user_management/sessions/revoke']) assert.ok(errorMessage(res).includes(named), named);
    });

    test('POST /organization_domains/verify (no ID) is a 404 that names /organization_domains/{id}/verify', async () => {
      const res = await e.http('POST', '/organization_domains/verify', { key: true, body: {} });
      assert.equal(res.status, 404, describeRes(res));
      assert.match(errorMessage(res), /\/organization_domains\/\{id\}\/verify/);
    });

    test('GET /sso/authorize without connection, organization or provider stays a 422 naming all three', async () => {
      const redirect = 'http://localhost:4000/sso-callback';
      await e.addRedirectUri(redirect);
      const res = await e.http('GET', `/sso/authorize?${new URLSearchParams({ client_id: e.creds.client_id, redirect_uri: redirect, state: 'xyz', response_type: 'code' })}`);
      assert.equal(res.status, 422, describeRes(res));
      assert.ok(isWorkOsError(res));
      for (const p of ['connection', 'organization', 'provider']) assert.ok(res.text.includes(p), p);
    });

    test('other wrong paths suggest the nearest real route, in WorkOS error bodies', async () => {
      const res = await e.http('GET', '/user_management/user', { key: true });
      assert.equal(res.status, 404, describeRes(res));
      assert.match(errorMessage(res), /Did you mean GET \/user_management\/users\?$/);
      const anonymous = await e.http('GET', '/organisations');
      assert.doesNotMatch(errorMessage(anonymous), /Did you mean/, 'no API-key route is suggested to a caller without a key');
    });

    test('/openapi.json is valid OpenAPI 3.1 and marks every alias operation deprecated', async () => {
      const res = await e.http('GET', '/openapi.json');
      assert.equal(res.status, 200, describeRes(res));
      const doc = res.json as { openapi: string; paths: Record<string, Record<string, { deprecated?: boolean }>> };
      await assertValidOpenApi31(doc);
      // Every spelling of the alias table (docs/compatibility.md) the services of this stack serve.
      const aliasSpellings = [/^\/directories\/\{id\}\/(users|groups)$/, /^\/feature_flags(\/|$)/, /^\/data_integrations(\/|$)/];
      const operations = (match: (path: string) => boolean) =>
        Object.entries(doc.paths).flatMap(([path, ops]) => (match(path) ? Object.entries(ops).map(([method, op]) => ({ at: `${method} ${path}`, op })) : []));
      const aliases = operations((p) => aliasSpellings.some((r) => r.test(p)));
      for (const { at, op } of aliases) assert.equal(op.deprecated, true, `${at} is not marked deprecated`);
      const flagAliases = aliases.filter((a) => a.at.includes(' /feature_flags')).map((a) => a.at.replace('/feature_flags', '/feature-flags')).sort();
      const flagRoutes = operations((p) => /^\/feature-flags(\/|$)/.test(p)).map((a) => a.at).sort();
      assert.ok(flagRoutes.length > 0);
      assert.deepEqual(flagAliases, flagRoutes, 'every feature-flags operation has its underscore alias');
      assert.ok(aliases.some((a) => a.at === 'get /directories/{id}/users') && aliases.some((a) => a.at === 'get /directories/{id}/groups'));
      for (const { at, op } of operations((p) => p === '/directory_users' || /^\/feature-flags(\/|$)/.test(p))) assert.equal(op.deprecated, undefined, `${at} (canonical)`);
      assert.ok(doc.paths['/user_management/cors_origins']?.post);
    });
  });

  describe('issue 21 item 5: Idempotency-Key on creates only', () => {
    test('two identical password sign-ins with the same key get two distinct sessions', async () => {
      const user = await newUser();
      const key = `retry-${uniqueSuffix()}`; // what the Java SDK derives from the request itself
      const signIn = () =>
        e.http('POST', '/user_management/authenticate', {
          key: true,
          headers: { 'idempotency-key': key },
          body: { client_id: e.creds.client_id, client_secret: e.creds.api_key, grant_type: 'password', email: user.email, password },
        });
      const first = await signIn();
      const second = await signIn();
      assert.equal(first.status, 200, describeRes(first));
      assert.equal(second.status, 200, describeRes(second));
      assert.equal(second.headers['idempotent-replayed'], undefined);
      const [a, b] = [first.json, second.json] as { access_token: string; refresh_token: string }[];
      assert.notEqual(claims(a!.access_token).sid, claims(b!.access_token).sid);
      assert.notEqual(a!.refresh_token, b!.refresh_token);
      const refreshed = await e.http('POST', '/user_management/authenticate', {
        key: true,
        headers: { 'idempotency-key': key },
        body: { client_id: e.creds.client_id, grant_type: 'refresh_token', refresh_token: a!.refresh_token },
      });
      assert.equal(refreshed.status, 200, `the first session's refresh token is still unspent: ${describeRes(refreshed)}`);
    });

    test('two identical TOTP enrolments return different factors', async () => {
      const key = `retry-${uniqueSuffix()}`;
      const enroll = () => e.http('POST', '/auth/factors/enroll', { key: true, headers: { 'idempotency-key': key }, body: { type: 'totp', totp_issuer: 'Compat', totp_user: 'ada@compat.example' } });
      const [a, b] = [await enroll(), await enroll()];
      assert.equal(a.status, 201, describeRes(a));
      assert.equal(b.status, 201, describeRes(b));
      assert.notEqual((a.json as { id: string }).id, (b.json as { id: string }).id);
      const user = await newUser();
      const userEnroll = () => e.http('POST', `/user_management/users/${user.id}/auth_factors`, { key: true, headers: { 'idempotency-key': key }, body: { type: 'totp' } });
      const [c, d] = [await userEnroll(), await userEnroll()];
      assert.equal(c.status, 201, describeRes(c));
      const factorId = (r: HttpResult) => (r.json as { authentication_factor: { id: string } }).authentication_factor.id;
      assert.notEqual(factorId(c), factorId(d));
    });

    test('a create retried with the same key returns the stored response', async () => {
      const key = `retry-${uniqueSuffix()}`;
      const email = `retried-${uniqueSuffix().toLowerCase()}@compat.example`;
      const create = () => e.http('POST', '/user_management/users', { key: true, headers: { 'idempotency-key': key }, body: { email } });
      const first = await create();
      const again = await create();
      assert.equal(first.status, 201, describeRes(first));
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.json, first.json);
    });

    // Review L1: a response that carries a secret or one-time value is never stored.
    test('an API-key create retried with the same key is a 409 naming the key, and only one key exists', async () => {
      const org = await e.http('POST', '/organizations', { key: true, body: { name: `Keys ${uniqueSuffix()}` } });
      assert.equal(org.status, 201, describeRes(org));
      const orgId = (org.json as { id: string }).id;
      const key = `retry-${uniqueSuffix()}`;
      const create = () => e.http('POST', `/organizations/${orgId}/api_keys`, { key: true, headers: { 'idempotency-key': key }, body: { name: 'ci' } });
      const first = await create();
      assert.equal(first.status, 201, describeRes(first));
      const created = first.json as { id: string; value: string };
      assert.match(created.value, /^sk_ak_/);
      const again = await create();
      assert.equal(again.status, 409, describeRes(again));
      assert.ok(isWorkOsError(again));
      assert.equal((again.json as { code: string }).code, 'idempotency_key_already_used');
      assert.ok(errorMessage(again).includes(created.id), errorMessage(again));
      assert.match(errorMessage(again), /one-time value/);
      assert.equal(JSON.stringify(again.json).includes(created.value), false);
      const listed = await e.http('GET', `/organizations/${orgId}/api_keys`, { key: true });
      assert.deepEqual((listed.json as { data: { id: string }[] }).data.map((k) => k.id), [created.id], 'created once');
    });

    test('an invitation (its token is a one-time value) is never replayed, whatever the key', async () => {
      const key = `retry-${uniqueSuffix()}`;
      const email = `inv-${uniqueSuffix().toLowerCase()}@compat.example`;
      const invitation = () => e.http('POST', '/user_management/invitations', { key: true, headers: { 'idempotency-key': key }, body: { email } });
      const sent = await invitation();
      assert.equal(sent.status, 201, describeRes(sent));
      const again = await invitation();
      assert.equal(again.headers['idempotent-replayed'], undefined, describeRes(again));
      assert.notEqual((again.json as { token?: string }).token, (sent.json as { token: string }).token);
    });
  });

  describe('issue 21 item 7: the official workos CLI', () => {
    let home: string;
    before(() => {
      home = mkdtempSync(join(tmpdir(), 'workos-cli-'));
    });
    after(() => rmSync(home, { recursive: true, force: true }));

    /** Runs `workos <args> --json` with its own HOME (file storage, no keyring, no telemetry). */
    const workos = (...args: string[]) =>
      new Promise<{ code: number; out: any; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [join(ROOT, 'node_modules', 'workos', 'dist', 'bin.js'), ...args, '--json'],
          { env: { PATH: process.env.PATH ?? '', HOME: home, WORKOS_TELEMETRY: 'false', WORKOS_NO_PROMPT: '1' }, timeout: 60_000 },
          (err, stdout, stderr) => {
            let out: unknown;
            try {
              out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
            } catch {
              out = stdout;
            }
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out, stderr });
          },
        );
      });
    const ok = async (...args: string[]) => {
      const r = await workos(...args);
      assert.equal(r.code, 0, `workos ${args.join(' ')}: ${JSON.stringify(r.out)} ${r.stderr}`);
      return r.out;
    };

    test('env add, org, user, config redirect, config cors and config homepage-url against the stack', async () => {
      await ok('env', 'add', 'local', e.creds.api_key, '--endpoint', e.baseUrl, '--insecure-storage');
      const name = `CLI Org ${uniqueSuffix()}`;
      const created = await ok('org', 'create', name);
      assert.equal(created.data.name, name);
      assert.equal((await ok('org', 'get', created.data.id)).id, created.data.id);
      assert.ok((await ok('org', 'list', '--limit', '100')).data.some((o: { id: string }) => o.id === created.data.id));

      const user = await newUser();
      assert.equal((await ok('user', 'get', user.id)).email, user.email);
      assert.ok((await ok('user', 'list', '--email', user.email)).data.some((u: { id: string }) => u.id === user.id));

      const redirect = `http://localhost:4100/cli-callback-${uniqueSuffix().toLowerCase()}`;
      assert.deepEqual(await ok('config', 'redirect', 'add', redirect), { status: 'ok', message: 'Added redirect URI', data: { uri: redirect } });
      assert.equal((await ok('config', 'redirect', 'add', redirect)).data.alreadyExists, true);
      const authorize = await e.http('GET', `/user_management/authorize?${new URLSearchParams({ client_id: e.creds.client_id, redirect_uri: redirect, response_type: 'code', provider: 'authkit' })}`);
      assert.notEqual((authorize.json as { code?: string } | undefined)?.code, 'invalid_redirect_uri', `the gateway accepts the CLI's redirect URI: ${describeRes(authorize)}`);

      const origin = 'http://localhost:4100';
      assert.equal((await ok('config', 'cors', 'add', origin)).message, 'Added CORS origin');
      assert.equal((await ok('config', 'cors', 'add', origin)).data.alreadyExists, true);
      assert.equal((await ok('config', 'homepage-url', 'set', 'http://localhost:4100/')).message, 'Set homepage URL');
      assert.equal(((await e.http('GET', '/user_management/app_homepage_url', { key: true })).json as { url: string }).url, 'http://localhost:4100/');

      // The origin the CLI added is the one the gateway enforces for browser clients.
      const preflight = await e.http('OPTIONS', '/user_management/authenticate', { headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      assert.equal(preflight.status, 204, describeRes(preflight));
      assert.equal(preflight.headers['access-control-allow-origin'], origin);
      const browser = await e.http('POST', '/user_management/authenticate', {
        headers: { origin },
        body: { client_id: e.creds.client_id, grant_type: 'authorization_code', code: 'not-a-code', code_verifier: 'v'.repeat(43) },
      });
      assert.equal(browser.headers['access-control-allow-origin'], origin, describeRes(browser));
      const stranger = await e.http('OPTIONS', '/user_management/authenticate', { headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
      assert.equal(stranger.status, 403);
    });
  });

  describe('the admin port', () => {
    test('/ready and /metrics are not on the public port; the stack waits on the admin port', async () => {
      for (const path of ['/ready', '/metrics']) assert.equal((await e.http('GET', path)).status, 404, path);
      const ready = await fetch(`http://127.0.0.1:${e.stack.gatewayAdminPort}/ready`);
      assert.equal(ready.status, 200);
      assert.match(await (await fetch(`http://127.0.0.1:${e.stack.gatewayAdminPort}/metrics`)).text(), /gateway_upstream_duration_seconds/);
    });
  });
});
