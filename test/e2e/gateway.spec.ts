import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { startE2e, type E2e } from '../support/e2e-stack';
import { describe as describeRes, isWorkOsError, type HttpResult } from '../support/http';

describe('the gateway in front of the whole stack', () => {
  let e: E2e;
  let orgId: string;

  const requestId = (res: HttpResult) => res.headers['x-request-id'];
  const countNamed = async (name: string) =>
    (await (await e.workos.organizations.listOrganizations({ limit: 100 })).autoPagination()).filter((o) => o.name === name).length;

  before(async () => {
    // A short key cache, so a revocation shows within the test (the default is 30 s).
    e = await startE2e({ name: 'gateway', portOffset: 14000, appEnv: { 'api-gateway': { API_KEY_CACHE_TTL_MS: '500' } } });
    orgId = (await e.workos.organizations.createOrganization({ name: 'Gateway Org' })).id;
  });
  after(async () => {
    await e?.stop();
  });

  test('X-Request-ID on every response', async () => {
    const cases: [string, () => Promise<HttpResult>, number][] = [
      ['success', () => e.http('GET', '/organizations', { key: true }), 200],
      ['created', () => e.http('POST', '/organizations', { key: true, body: { name: 'rid' } }), 201],
      ['401', () => e.http('GET', '/organizations'), 401],
      ['401 bad key', () => e.http('GET', '/organizations', { key: 'sk_test_nope' }), 401],
      ['404', () => e.http('GET', '/organizations/org_01HZZZZZZZZZZZZZZZZZZZZZZZ', { key: true }), 404],
      ['422', () => e.http('POST', '/organizations', { key: true, body: { name: 5 } }), 422],
      ['events', () => e.http('GET', '/events?events=organization.created', { key: true }), 200],
    ];
    const ids = new Set<string>();
    for (const [what, call, status] of cases) {
      const res = await call();
      assert.equal(res.status, status, `${what}: ${describeRes(res)}`);
      const id = requestId(res);
      assert.ok(typeof id === 'string' && id.length > 0, `${what}: no X-Request-ID`);
      ids.add(id);
      assert.ok(res.contentType.includes('application/json'), `${what}: ${res.contentType}`);
      if (status >= 400) assert.ok(isWorkOsError(res), `${what}: ${describeRes(res)}`);
    }
    assert.equal(ids.size, cases.length, 'request IDs repeat');
  });

  test('a malformed URL gets a WorkOS 4xx with an X-Request-ID', async () => {
    for (const path of ['/organizations/%zz', '/%', '/organization_domains/%E0%A4%A/verify']) {
      const res = await e.http('GET', path, { key: true, headers: { 'x-request-id': 'e2e-bad-url' } });
      assert.ok(res.status >= 400 && res.status < 500 && isWorkOsError(res), `${path}: ${describeRes(res)}`);
      assert.equal(requestId(res), 'e2e-bad-url', `${path}: no X-Request-ID (${JSON.stringify(res.headers)})`);
    }
  });

  test('a client-supplied X-Request-ID is echoed', async () => {
    for (const [path, key] of [['/organizations', true], ['/organizations/org_01HZZZZZZZZZZZZZZZZZZZZZZZ', true], ['/organizations', undefined], ['/nowhere', true]] as const) {
      const mine = `e2e-${uniqueSuffix()}`;
      const res = await e.http('GET', path, { key, headers: { 'x-request-id': mine } });
      assert.equal(requestId(res), mine, `${path}: ${describeRes(res)}`);
    }
  });

  // DESIGN.md rule 6: a 5xx carries a request ID that is also in the logs.
  test('a 5xx from a missing service carries the request ID, which is in the logs', async () => {
    const mine = `e2e-5xx-${uniqueSuffix()}`;
    await e.stack.kill('organizations', 'SIGKILL');
    try {
      const res = await e.http('GET', '/organizations', { key: true, headers: { 'x-request-id': mine } });
      assert.ok(res.status >= 500 && res.status < 600, describeRes(res));
      assert.ok(isWorkOsError(res), describeRes(res));
      assert.equal(requestId(res), mine);
      await waitFor(async () => (await Promise.all(e.stack.apps.map((app) => readFile(join(e.logDir, `${app}.log`), 'utf8').catch(() => '')))).some((log) => log.includes(mine)), {
        timeoutMs: 5000,
        message: `request ID ${mine} in a log under ${e.logDir}`,
      });
    } finally {
      e.stack.spawnApp('organizations');
      await e.stack.waitReady('organizations');
    }
    assert.equal((await e.http('GET', '/organizations', { key: true })).status, 200);
  });

  test('/openapi.json documents the organizations and events paths', async () => {
    const res = await e.http('GET', '/openapi.json');
    assert.equal(res.status, 200, describeRes(res));
    const doc = res.json as { openapi?: string; paths?: Record<string, Record<string, unknown>> };
    assert.match(doc.openapi ?? '', /^3\./);
    const paths = doc.paths ?? {};
    for (const [path, methods] of Object.entries({
      '/organizations': ['get', 'post'],
      '/organizations/{id}': ['get', 'put', 'delete'],
      '/organizations/external_id/{external_id}': ['get'],
      '/organization_domains': ['post'],
      '/organization_domains/{id}': ['get', 'delete'],
      '/organization_domains/{id}/verify': ['post'],
      '/events': ['get'],
    })) {
      assert.ok(paths[path], `${path} missing from /openapi.json (has ${Object.keys(paths).join(', ')})`);
      for (const m of methods) assert.ok(paths[path]![m], `${m} ${path} missing`);
    }
  });

  test('an unknown route is a 404 with a JSON body', async () => {
    const cases = [['GET', '/nowhere', undefined], ['POST', '/nowhere/at/all', undefined], ['GET', '/organizationsX', undefined], ['DELETE', '/', undefined], ['GET', '/nowhere', true], ['GET', '/events/extra/segments', true], ['GET', '/organization_domains', true]] as const;
    for (const [method, path, key] of cases) {
      const res = await e.http(method, path, { key });
      assert.equal(res.status, 404, `${method} ${path} key=${key}: ${describeRes(res)}`);
      assert.ok(isWorkOsError(res), `${method} ${path}: ${describeRes(res)}`);
    }
  });

  test('reserved future routes answer 404 with a WorkOS body', async () => {
    for (const [method, path] of [['GET', '/fga/v1/resources'], ['POST', '/auth/v1/anything']] as const) {
      const res = await e.http(method, path, { key: true, body: method === 'POST' ? {} : undefined });
      assert.equal(res.status, 404, `${method} ${path}: ${describeRes(res)}`);
      assert.ok(isWorkOsError(res), `${method} ${path}: ${describeRes(res)}`);
    }
  });

  test('idempotency keys through the real stack', async () => {
    const key = `idem-${uniqueSuffix()}`;
    const name = `Idem ${key}`;
    const first = await e.http('POST', '/organizations', { key: true, body: { name }, headers: { 'idempotency-key': key } });
    assert.equal(first.status, 201, describeRes(first));
    assert.notEqual(first.headers['idempotent-replayed'], 'true');
    const again = await e.http('POST', '/organizations', { key: true, body: { name }, headers: { 'idempotency-key': key } });
    assert.equal(again.status, 201, describeRes(again));
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal((again.json as { id: string }).id, (first.json as { id: string }).id);
    assert.deepEqual(again.json, first.json);

    const other = await e.http('POST', '/organizations', { key: true, body: { name: `${name} changed` }, headers: { 'idempotency-key': key } });
    assert.equal(other.status, 400, describeRes(other));
    assert.ok(isWorkOsError(other), describeRes(other));
    assert.equal(await countNamed(name), 1);
    assert.equal(await countNamed(`${name} changed`), 0);

    // Keys belong to one environment: the same key elsewhere creates its own organization.
    const envB = await e.createEnvironment('gateway-b');
    const inB = await e.http('POST', '/organizations', { key: envB.api_key, body: { name }, headers: { 'idempotency-key': key } });
    assert.equal(inB.status, 201, describeRes(inB));
    assert.notEqual((inB.json as { id: string }).id, (first.json as { id: string }).id);
  });

  test('concurrent requests with one idempotency key create one organization', async () => {
    const key = `idem-race-${uniqueSuffix()}`;
    const name = `Race ${key}`;
    const all = await Promise.all(Array.from({ length: 6 }, () => e.http('POST', '/organizations', { key: true, body: { name }, headers: { 'idempotency-key': key } })));
    const ids = new Set<string>();
    for (const res of all) {
      if (res.status === 201) ids.add((res.json as { id: string }).id);
      else {
        assert.equal(res.status, 409, describeRes(res));
        assert.ok(isWorkOsError(res), describeRes(res));
      }
    }
    assert.equal(ids.size, 1, `${all.map((r) => r.status).join(',')}`);
    const later = await e.http('POST', '/organizations', { key: true, body: { name }, headers: { 'idempotency-key': key } });
    assert.equal(later.status, 201);
    assert.deepEqual([(later.json as { id: string }).id], [...ids]);
    assert.equal(await countNamed(name), 1);
  });

  test('a revoked API key stops working', async () => {
    const created = JSON.parse(await e.stack.runGatewayCli(['api-keys', 'create', '--environment', e.creds.environment_id, '--json'])) as { id: string; value: string };
    assert.equal((await e.http('GET', '/organizations', { key: created.value })).status, 200);
    await e.stack.runGatewayCli(['api-keys', 'revoke', created.id, '--json']);
    await waitFor(async () => (await e.http('GET', '/organizations', { key: created.value })).status === 401, { message: 'revoked key refused' });
    assert.equal((await e.http('GET', '/organizations', { key: true })).status, 200, 'the environment\'s other key still works');
  });

  test('the SDK retry client creates exactly one organization when a response is lost', async () => {
    const seen: { key: string | null; replayed: string | null; status: number }[] = [];
    const lossy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const headers = new Headers(init?.headers);
      seen.push({ key: headers.get('idempotency-key'), replayed: res.headers.get('idempotent-replayed'), status: res.status });
      // The first POST reaches the server, but its answer never reaches the client.
      if (init?.method === 'POST' && seen.filter((s) => s.key).length === 1) {
        await res.arrayBuffer();
        throw new TypeError('fetch failed: connection reset by test');
      }
      return res;
    };
    const retrying = e.client(e.creds.api_key, { maxRetries: undefined, fetchFn: lossy });
    const name = `Retried ${uniqueSuffix()}`;
    const org = await retrying.organizations.createOrganization({ name });
    assert.equal(seen.length, 2, JSON.stringify(seen));
    assert.match(seen[0]!.key ?? '', /^retry-/);
    assert.equal(seen[1]!.key, seen[0]!.key, 'the SDK reuses its Idempotency-Key');
    assert.equal(seen[1]!.replayed, 'true');
    assert.equal(seen[1]!.status, 201);
    assert.equal(await countNamed(name), 1);
    assert.equal((await e.workos.organizations.getOrganization(org.id)).name, name);
  });

  test('the SDK retry client without faults creates exactly one organization', async () => {
    const retrying = e.client(e.creds.api_key, { maxRetries: undefined });
    const name = `Plain retry client ${uniqueSuffix()}`;
    await retrying.organizations.createOrganization({ name });
    assert.equal(await countNamed(name), 1);
  });
});
