import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@wos/platform/testing';
import { RESERVED_PREFIXES } from '../src/routing/route.table';
import { GatewayHarness } from './support/gateway.harness';
import type { EchoedRequest } from './support/echo.upstream';

describe('api-gateway routing and proxying', () => {
  const h = new GatewayHarness();
  let key: string;

  before(async () => {
    await h.start('routing', { BODY_LIMIT_BYTES: '1024', UPSTREAM_TIMEOUT_MS: '1000' });
    key = (await h.environment()).apiKey;
  });
  after(() => h.close());

  async function assertJsonError(res: Response, status: number, code: string) {
    assert.equal(res.status, status);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.match(res.headers.get('x-request-id') ?? '', /^req_/);
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(body.code, code);
    assert.equal(typeof body.message, 'string');
    return body;
  }

  test('unknown paths answer 404 JSON, with or without a key', async () => {
    const body = await assertJsonError(await h.request('/nope/deeper?x=1'), 404, 'not_found');
    assert.equal(body.message, "The requested path '/nope/deeper' could not be found.");
    await assertJsonError(await h.request('/', { key }), 404, 'not_found');
    for (const path of ['/organizations/../events', '/organizations/%2E%2e/events']) {
      const res = await h.raw('GET', path, { authorization: `Bearer ${key}` });
      assert.equal(res.status, 404, path);
      assert.equal((JSON.parse(res.body) as { code: string }).code, 'not_found');
    }
    assert.equal(h.upstream.received.length, 0, 'nothing reached the service');
  });

  test('reserved product paths answer 404 JSON until their service ships', async () => {
    for (const prefix of RESERVED_PREFIXES) {
      await assertJsonError(await h.request(`${prefix}/x`, { key, method: 'POST', body: '{}' }), 404, 'not_found');
    }
  });

  test('HEAD and OPTIONS are forwarded; methods outside the API are a JSON 404', async () => {
    const head = await h.raw('HEAD', '/organizations', { authorization: `Bearer ${key}` });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    const options = await h.raw('OPTIONS', '/organizations', { authorization: `Bearer ${key}` });
    assert.equal((JSON.parse(options.body) as EchoedRequest).method, 'OPTIONS');
    const trace = await h.raw('TRACE', '/organizations', { authorization: `Bearer ${key}` });
    assert.equal(trace.status, 404);
    assert.equal((JSON.parse(trace.body) as { code: string }).code, 'not_found');
    assert.match(String(trace.headers['x-request-id']), /^req_/);
  });

  test('a client request ID is kept end to end; the service copy is not duplicated', async () => {
    const res = await h.request('/organizations', { key, headers: { 'x-request-id': 'client-trace-1' } });
    assert.equal(res.headers.get('x-request-id'), 'client-trace-1');
    assert.equal(((await res.json()) as EchoedRequest).headers['x-request-id'], 'client-trace-1');
    const generated = await h.request('/organizations', { key, headers: { 'x-request-id': 'bad id with spaces' } });
    assert.match(generated.headers.get('x-request-id') ?? '', /^req_[0-9A-Z]{26}$/);
  });

  test('bodies are forwarded byte for byte, whatever the content type', async () => {
    const cases: [string, string][] = [
      ['application/json', '{"name":"Acme","domains":["a.com"]}'],
      ['application/x-www-form-urlencoded;charset=utf-8', 'grant_type=authorization_code&code=abc'],
      ['text/plain', 'plain text'],
      ['application/octet-stream', '\u0001\u0002'],
    ];
    for (const [type, body] of cases) {
      const res = await h.request('/organizations', { key, method: 'POST', headers: { 'content-type': type }, body });
      assert.equal(res.status, 201);
      const echo = (await res.json()) as EchoedRequest;
      assert.equal(echo.body, body, type);
      assert.equal(echo.headers['content-type'], type);
    }
    const empty = await h.request('/organizations/org_1/verify', { key, method: 'POST', headers: { 'content-type': 'application/json' } });
    assert.equal(((await empty.json()) as EchoedRequest).body, '');
    const del = await h.request('/organizations/org_1', { key, method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.equal(((await del.json()) as EchoedRequest).body, '{"a":1}');
  });

  test('the service status and headers come back unchanged', async () => {
    const res = await h.request('/organizations/status/422', { key });
    assert.equal(res.status, 422);
    assert.equal(res.headers.get('x-upstream'), 'yes');
    assert.equal(((await res.json()) as { code: string }).code, 'echo_status');
    const noContent = await h.request('/organizations/status/204', { key, method: 'DELETE' });
    assert.equal(noContent.status, 204);
    assert.equal(await noContent.text(), '');
  });

  test('a non-JSON error from a service becomes a JSON body', async () => {
    await assertJsonError(await h.request('/organizations/text-error', { key }), 500, 'upstream_invalid_response');
  });

  test('413 JSON for a body over BODY_LIMIT_BYTES', async () => {
    const res = await h.request('/organizations', { key, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: 'a'.repeat(2000) }) });
    await assertJsonError(res, 413, 'payload_too_large');
  });

  test('502 JSON when the service is down, with the request ID in the body', async () => {
    const res = await h.request('/events?events=user.created', { key });
    const id = res.headers.get('x-request-id');
    const body = (await assertJsonError(res, 502, 'upstream_unavailable')) as { request_id?: string };
    assert.equal(body.request_id, id);
  });

  test('504 JSON when the service does not answer in time', async () => {
    await assertJsonError(await h.request('/organizations/hold', { key }), 504, 'upstream_timeout');
    await waitFor(() => h.upstream.heldCount === 1, { message: 'held request' });
    h.upstream.releaseAll();
  });

  test('a closing gateway lets in-flight requests finish', async () => {
    const gw = await h.startGateway();
    const inFlight = h.request('/organizations/hold', { key }, gw);
    await waitFor(() => h.upstream.heldCount === 1, { message: 'request held at the service' });
    const closing = gw.close();
    h.upstream.releaseAll();
    assert.equal((await inFlight).status, 200);
    await closing;
  });

  test('/openapi.json merges the services that answer and names the rest', async () => {
    const res = await h.request('/openapi.json');
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, { deprecated?: boolean; parameters?: { name: string; in: string }[] }>>; 'x-missing-services': string[] };
    assert.ok(doc.paths['/organizations']);
    // The gateway's own routes, and the aliases of documented routes, marked deprecated.
    assert.ok(doc.paths['/user_management/redirect_uris']?.post);
    assert.ok(doc.paths['/user_management/app_homepage_url']?.put);
    const alias = doc.paths['/directories/{id}/users']?.get;
    assert.equal(alias?.deprecated, true);
    assert.deepEqual(alias?.parameters?.map((p) => `${p.in}:${p.name}`), ['path:id']);
    assert.equal(doc.paths['/directory_users']?.get?.deprecated, undefined);
    // The echo upstream stands in for organizations, identity, sso and audit-logs; the others are closed ports.
    assert.deepEqual([...doc['x-missing-services']].sort(), ['admin-portal', 'authorization', 'dashboard', 'directory-sync', 'events', 'pipes', 'radar', 'vault', 'webhook-dispatcher']);
  });

  // Review L8: the public port served readiness details and metrics.
  test('/ready and /metrics are served on the admin port only; /health on both', async () => {
    for (const path of ['/ready', '/metrics', '/ready?x=1']) {
      await assertJsonError(await h.request(path), 404, 'not_found');
      await assertJsonError(await h.request(path, { key }), 404, 'not_found');
    }
    assert.deepEqual(await (await h.request('/health')).json(), { status: 'ok' });
    const admin = h.gateway.adminUrl;
    assert.notEqual(h.gateway.adminPort, h.gateway.port);
    assert.deepEqual(await (await fetch(`${admin}/ready`)).json(), { status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
    assert.match(await (await fetch(`${admin}/metrics`)).text(), /gateway_upstream_duration_seconds_bucket/);
    assert.equal((await fetch(`${admin}/health`)).status, 200);
    assert.equal((await fetch(`${admin}/organizations`)).status, 404, 'the admin port serves no API');
  });

  test('a 404 suggests the nearest route the caller may call', async () => {
    const withKey = await assertJsonError(await h.request('/organisations', { key }), 404, 'not_found');
    assert.equal(withKey.message, "The requested path '/organisations' could not be found. Did you mean GET /organizations?");
    const anonymous = await assertJsonError(await h.request('/organisations'), 404, 'not_found');
    assert.equal(anonymous.message, "The requested path '/organisations' could not be found.", 'no API-key route is suggested without a key');
    const publicRoute = await assertJsonError(await h.request('/sso/authorise'), 404, 'not_found');
    assert.match(publicRoute.message, /Did you mean GET \/sso\/authorize\?$/);
    const far = await assertJsonError(await h.request('/nothing/like/it', { key }), 404, 'not_found');
    assert.equal(far.message, "The requested path '/nothing/like/it' could not be found.");
  });

  test("a service's unknown-route 404 gets the suggestion too; a missing entity keeps its body", async () => {
    const res = await assertJsonError(await h.request('/user_management/user?echo=router-404', { key, method: 'POST', body: '{}' }), 404, 'not_found');
    assert.equal(res.message, "The requested path '/user_management/user' could not be found. Did you mean POST /user_management/users?");
    const entity = await h.request('/organizations/status/404', { key });
    assert.equal(((await entity.json()) as { code: string }).code, 'echo_status');
  });

  test('hints for spellings the API does not serve, in WorkOS error bodies', async () => {
    const cases: [string, string, RegExp][] = [
      ['GET', '/organization_memberships?user_id=user_1', /\/user_management\/organization_memberships/],
      ['POST', '/organization_memberships', /\/user_management\/organization_memberships/],
      // The organizations service answers its router's 404 here (the echo stands in for it).
      ['POST', '/organization_domains/verify?echo=router-404', /POST \/organization_domains\/\{id\}\/verify/],
      ['POST', '/fga/v1/check', /does not serve yet/],
    ];
    for (const [method, path, message] of cases) {
      const body = await assertJsonError(await h.request(path, { key, method, body: method === 'POST' ? '{}' : undefined }), 404, 'not_found');
      assert.match(body.message, message, `${method} ${path}`);
    }
  });

  test('an alias never reaches a service in its alias form', async () => {
    const before = h.upstream.received.length;
    await h.request('/feature_flags/beta/targets', { key, method: 'POST', body: '{}' });
    assert.deepEqual(h.upstream.received.slice(before).map((r) => r.url), ['/feature-flags/beta/targets']);
    await h.request('/data_integrations/github/token', { key, method: 'POST', body: '{}' });
    assert.equal(h.upstream.received.length, before + 1, 'the Pipes service is not the echo here: the alias reaches its canonical upstream, never this one');
  });
});
