import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@wos/platform';
import { loadAppConfig } from './config';
import { DEFAULT_RATE_LIMIT_RULES, rateLimitRulesSchema } from './rate-limit/rate-limit.rules';

describe('api-gateway config', () => {
  const secret = { INTERNAL_AUTH_SECRET: 'a-secret-of-16-chars', KAFKA_BROKERS: '127.0.0.1:9092', SECRET_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` };

  test('defaults', () => {
    const c = loadAppConfig(secret);
    assert.equal(c.PORT, 8080);
    assert.equal(c.DATABASE_URL, 'postgresql://postgres@127.0.0.1:5432/wos_api_gateway');
    assert.equal(c.ORGANIZATIONS_URL, 'http://127.0.0.1:3004');
    assert.equal(c.EVENTS_URL, 'http://127.0.0.1:3008');
    assert.equal(c.WEBHOOK_DISPATCHER_URL, 'http://127.0.0.1:3009');
    assert.deepEqual(c.RATE_LIMIT_DEFAULT, { limit: 6000, windowMs: 60_000 });
    assert.deepEqual(c.RATE_LIMIT_RULES, rateLimitRulesSchema.parse(DEFAULT_RATE_LIMIT_RULES));
    assert.deepEqual(c.RATE_LIMIT_RULES[0], { method: 'DELETE', path: '/organizations/:id', limit: { limit: 50, windowMs: 60_000 }, per: ['api_key'] });
    assert.deepEqual(c.PUBLIC_RATE_LIMIT_PER_IP, { limit: 6000, windowMs: 60_000 });
    assert.deepEqual(c.CREDENTIAL_LOOKUPS_PER_IP, { limit: 100, windowMs: 60_000 });
    assert.equal(c.TRUSTED_PROXY_CIDRS.empty, true);
    assert.equal(c.ADMIN_PORT, 9464);
    assert.deepEqual(loadAppConfig({ ...secret, RATE_LIMIT_RULES: '', ADMIN_HOST: '' }).RATE_LIMIT_RULES, c.RATE_LIMIT_RULES, 'an empty variable is unset');
    assert.equal(c.API_KEY_CACHE_TTL_MS, 30_000);
    assert.equal(c.BODY_LIMIT_BYTES, 1_048_576);
    assert.equal(c.IDEMPOTENCY_TTL_SECONDS, 86_400);
    assert.equal(c.UPSTREAM_TIMEOUT_MS, 30_000);
  });

  test('overrides from the environment', () => {
    const c = loadAppConfig({ ...secret, RATE_LIMIT_DEFAULT: '100/10', RATE_LIMIT_RULES: '[]', PORT: '0' });
    assert.deepEqual(c.RATE_LIMIT_DEFAULT, { limit: 100, windowMs: 10_000 });
    assert.deepEqual(c.RATE_LIMIT_RULES, []);
    assert.equal(c.PORT, 0);
  });

  test('refuses bad values with a clear message', () => {
    assert.throws(() => loadAppConfig({}), (e: Error) => e instanceof ConfigError && /INTERNAL_AUTH_SECRET/.test(e.message));
    assert.throws(() => loadAppConfig({ ...secret, RATE_LIMIT_RULES: 'not json' }), /RATE_LIMIT_RULES: must be a JSON array/);
    assert.throws(() => loadAppConfig({ ...secret, RATE_LIMIT_RULES: '[{"method":"GET","path":"x","limit":"1/1"}]' }), /RATE_LIMIT_RULES/);
    assert.throws(() => loadAppConfig({ ...secret, RATE_LIMIT_DEFAULT: '6000' }), /RATE_LIMIT_DEFAULT/);
    assert.throws(() => loadAppConfig({ ...secret, ORGANIZATIONS_URL: 'nope' }), /ORGANIZATIONS_URL/);
    assert.throws(() => loadAppConfig({ ...secret, TRUSTED_PROXY_CIDRS: '10.0.0.0/8, nonsense' }), /TRUSTED_PROXY_CIDRS: "nonsense" is not a CIDR/);
    assert.throws(() => loadAppConfig({ ...secret, RATE_LIMIT_RULES: '[{"method":"GET","path":"/x","limit":"1/1","per":["cookie"]}]' }), /RATE_LIMIT_RULES/);
    assert.throws(() => loadAppConfig({ INTERNAL_AUTH_SECRET: secret.INTERNAL_AUTH_SECRET }), /SECRET_ENCRYPTION_KEYS/);
  });
});
