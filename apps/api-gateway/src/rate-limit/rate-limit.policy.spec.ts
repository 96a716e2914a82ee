import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRules, DEFAULT_RATE_LIMIT_RULES, rateLimitRulesSchema } from './rate-limit.rules';
import { countersFor, type RateLimitSubject } from './rate-limit.policy';

const limits = { general: { limit: 6000, windowMs: 60_000 }, publicPerIp: { limit: 600, windowMs: 60_000 }, publicPerClientId: { limit: 6000, windowMs: 60_000 } };
const rules = compileRules(rateLimitRulesSchema.parse(DEFAULT_RATE_LIMIT_RULES));
const base: RateLimitSubject = { method: 'GET', path: '/organizations', query: '', clientIp: '203.0.113.7' };
const withKey = { ...base, environmentId: 'environment_1', apiKey: { apiKeyId: 'api_key_1', rateLimitPerMinute: null } };
const counters = (s: RateLimitSubject) => countersFor(s, limits, rules, 'gw:');

describe('rate-limit policy', () => {
  test('an API key caller is counted per key, never per source IP', () => {
    const c = counters(withKey);
    assert.deepEqual(c, [{ key: 'gw:rl:api_key_1', bucket: 'api_key', limit: 6000, windowMs: 60_000 }]);
    assert.deepEqual(counters({ ...withKey, apiKey: { apiKeyId: 'api_key_1', rateLimitPerMinute: 30 } })[0], { key: 'gw:rl:api_key_1', bucket: 'api_key', limit: 30, windowMs: 60_000 });
  });

  test('a caller without a key is counted per IP, and per client ID when it names one', () => {
    const anon = counters({ ...base, path: '/scim/v2/d/Users' });
    assert.equal(anon.length, 1);
    assert.match(anon[0]!.key, /^gw:rl:ip:[0-9a-f]{32}$/);
    const client = counters({ ...base, path: '/sso/jwks/client_1', environmentId: 'environment_1', clientId: 'client_1' });
    assert.deepEqual(client.map((c) => c.limit), [600, 6000]);
    assert.notEqual(counters({ ...base, clientIp: '203.0.113.8' })[0]!.key, anon[0]!.key);
  });

  test('AuthKit reads and writes count per environment, for every caller of it', () => {
    const read = counters({ ...withKey, path: '/user_management/users' });
    const write = counters({ ...withKey, method: 'POST', path: '/user_management/users' });
    assert.deepEqual(read.slice(1).map((c) => [c.limit, c.windowMs]), [[1000, 10_000]]);
    assert.deepEqual(write.slice(1).map((c) => [c.limit, c.windowMs]), [[500, 10_000]]);
    const otherKey = counters({ ...withKey, apiKey: { apiKeyId: 'api_key_2', rateLimitPerMinute: null }, path: '/user_management/users' });
    assert.equal(otherKey[1]!.key, read[1]!.key, 'two keys of one environment share the AuthKit budget');
    const otherEnv = counters({ ...withKey, environmentId: 'environment_2', path: '/user_management/users' });
    assert.notEqual(otherEnv[1]!.key, read[1]!.key);
    const publicClient = counters({ ...base, method: 'POST', path: '/user_management/authenticate', environmentId: 'environment_1', clientId: 'client_1' });
    assert.equal(publicClient.at(-1)!.key, write[1]!.key, 'a public client spends the same environment budget');
  });

  test('a rule whose dimension the request lacks does not apply', () => {
    assert.equal(counters({ ...withKey, path: '/directory_users', query: 'group=g_1' }).length, 1, 'no directory: no per-directory counter');
    const a = counters({ ...withKey, path: '/directory_users', query: 'directory=d_1&limit=5' });
    const b = counters({ ...withKey, path: '/directory_users', query: 'limit=5&directory=d_2' });
    assert.deepEqual(a.slice(1).map((c) => [c.limit, c.windowMs]), [[4, 1000]]);
    assert.notEqual(a[1]!.key, b[1]!.key);
    const sso = counters({ ...base, path: '/sso/authorize', query: 'connection=conn_1&client_id=client_1', environmentId: 'environment_1', clientId: 'client_1' });
    assert.equal(sso.length, 3, 'per IP, per client, per (connection, IP)');
    assert.equal(counters({ ...base, path: '/sso/authorize', query: 'organization=org_1', environmentId: 'environment_1', clientId: 'client_1' }).length, 2);
  });

  test('audit-log events and /events count per environment (the bursts: test/rate-limit.spec.ts)', () => {
    for (const [method, path, limit] of [['POST', '/audit_logs/events', 500], ['GET', '/events', 1000]] as const) {
      const own = counters({ ...withKey, method, path });
      assert.deepEqual(own.slice(1).map((c) => [c.limit, c.windowMs]), [[limit, 10_000]], path);
      assert.notEqual(counters({ ...withKey, method, path, environmentId: 'environment_2' })[1]!.key, own[1]!.key, path);
    }
  });

  test('every counter names its bucket for the usage report: the key limit, the public limits, or the rule', () => {
    assert.deepEqual(counters({ ...withKey, path: '/user_management/users' }).map((c) => c.bucket), ['api_key', 'GET,HEAD /user_management/* per environment']);
    const sso = counters({ ...base, path: '/sso/authorize', query: 'connection=conn_1', environmentId: 'environment_1', clientId: 'client_1' });
    assert.deepEqual(sso.map((c) => c.bucket), ['public_ip', 'public_client_id', 'GET /sso/authorize per query:connection+ip']);
  });

  test('path dimensions take the value of their :param', () => {
    const own = compileRules(rateLimitRulesSchema.parse([{ method: 'DELETE', path: '/organizations/:id', limit: '1/60', per: ['path:id'] }]));
    const k1 = countersFor({ ...withKey, method: 'DELETE', path: '/organizations/org_1' }, limits, own, 'gw:');
    const k2 = countersFor({ ...withKey, method: 'DELETE', path: '/organizations/org_2' }, limits, own, 'gw:');
    assert.notEqual(k1[1]!.key, k2[1]!.key);
  });
});
