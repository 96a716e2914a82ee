import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { signInternalRequest } from '@wos/platform';
import type { AppConfig } from '../config';
import type { CredentialsService } from '../credentials/credentials.service';
import type { RateLimitUsageRow, RateLimitUsageService } from '../rate-limit/rate-limit-usage.service';
import { ALL_ENVIRONMENTS_SCOPE, CONSOLE_PATH, registerConsoleRoutes } from './console.route';

const KEY = 'a-gateway-internal-key-of-length';

/** The console routes with a recording stand-in for the credentials service (the routes' own checks are under test). */
async function app(opts: { redisDown?: boolean } = {}) {
  const calls: string[] = [];
  const svc = {
    listEnvironments: async () => (calls.push('list'), []),
    createApiKey: async (env: string, o: { name: string }) => (calls.push(`create ${env} ${o.name}`), { id: 'api_key_1', value: 'sk_test_x' }),
    revokeApiKeyIn: async (env: string, id: string) => (calls.push(`revoke ${env} ${id}`), { id }),
  } as unknown as CredentialsService;
  const rateLimitUsage = {
    read: async (env: string, minutes: number): Promise<RateLimitUsageRow[] | undefined> => {
      calls.push(`rate_limits ${env} ${minutes}`);
      return opts.redisDown ? undefined : [{ bucket: 'api_key', minute: '2026-12-01T10:00:00.000Z', requests: 7, limited: 2 }];
    },
  } as unknown as RateLimitUsageService;
  const fastify = Fastify();
  registerConsoleRoutes(fastify, { config: { INTERNAL_AUTH_SECRET: KEY } as AppConfig, credentials: svc, rateLimitUsage });
  await fastify.ready();
  const call = (method: string, path: string, env: string, opts: { key?: string; body?: string; signedBody?: string } = {}) => {
    const url = `${CONSOLE_PATH}${path}`;
    const headers = signInternalRequest(opts.key ?? KEY, 'api-gateway', env, { method, path: url, body: opts.signedBody ?? opts.body });
    return fastify.inject({ method: method as 'GET', url, headers: { ...headers, ...(opts.body ? { 'content-type': 'application/json' } : {}) }, payload: opts.body });
  };
  return { fastify, calls, call };
}

test('console routes: a fresh signature with the gateway key is required, and nothing runs without one', async () => {
  const { fastify, calls, call } = await app();
  assert.equal((await call('POST', '/api_keys?name=k', 'environment_A', { key: 'another-services-key-of-length!!' })).statusCode, 401);
  assert.equal((await fastify.inject({ method: 'POST', url: `${CONSOLE_PATH}/api_keys?name=k` })).statusCode, 401);
  assert.deepEqual(calls, []);
  const ok = await call('POST', '/api_keys?name=k', 'environment_A');
  assert.equal(ok.statusCode, 201);
  assert.deepEqual(calls, ['create environment_A k']);
  await fastify.close();
});

test('console routes: parameters come only from the signed query; a signed body is refused', async () => {
  const { fastify, calls, call } = await app();
  assert.equal((await call('POST', '/api_keys', 'environment_A', { body: '{"name":"k"}' })).statusCode, 401);
  assert.equal((await call('POST', '/api_keys?name=', 'environment_A')).statusCode, 422);
  assert.deepEqual(calls, []);
  await fastify.close();
});

test('console routes: per-environment routes refuse the all-environments scope, and the environment routes require it', async () => {
  const { fastify, calls, call } = await app();
  assert.equal((await call('GET', '/environments', 'environment_A')).statusCode, 401);
  assert.equal((await call('POST', '/api_keys/api_key_1/revoke', ALL_ENVIRONMENTS_SCOPE)).statusCode, 401);
  assert.equal((await call('GET', '/environments', ALL_ENVIRONMENTS_SCOPE)).statusCode, 200);
  assert.equal((await call('POST', '/api_keys/api_key_1/revoke', 'environment_B')).statusCode, 200);
  assert.deepEqual(calls, ['list', 'revoke environment_B api_key_1']);
  await fastify.close();
});

test('console routes: rate-limit usage is the signed environment\'s, through the usage service, with the public route\'s query rules', async () => {
  const { fastify, calls, call } = await app();
  const ok = await call('GET', '/rate_limits', 'environment_A');
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.json(), { object: 'list', data: [{ bucket: 'api_key', minute: '2026-12-01T10:00:00.000Z', requests: 7, limited: 2 }], list_metadata: { before: null, after: null } });
  assert.equal((await call('GET', '/rate_limits?minutes=15', 'environment_B')).statusCode, 200);
  // The all-environments scope names no environment whose counts could be read.
  assert.equal((await call('GET', '/rate_limits', ALL_ENVIRONMENTS_SCOPE)).statusCode, 401);
  for (const bad of ['0', '2881', 'sixty', '1.5', '-1']) {
    const r = await call('GET', `/rate_limits?minutes=${bad}`, 'environment_A');
    assert.equal(r.statusCode, 422, bad);
    assert.equal(r.json().errors[0].field, 'minutes');
  }
  assert.equal((await call('GET', '/rate_limits?minutes=5&minutes=6', 'environment_A')).statusCode, 422);
  assert.deepEqual(calls, ['rate_limits environment_A 60', 'rate_limits environment_B 15']);
  await fastify.close();
});

test('console routes: rate-limit usage that cannot be read (Redis down) is a 503, never an empty list', async () => {
  const { fastify, call } = await app({ redisDown: true });
  const r = await call('GET', '/rate_limits', 'environment_A');
  assert.equal(r.statusCode, 503);
  assert.equal(r.json().code, 'service_unavailable');
  await fastify.close();
});
