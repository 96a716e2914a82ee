import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppConfig } from '../config';
import type { CredentialsRepository } from '../credentials/credentials.repository';
import type { RateLimitService } from '../rate-limit/rate-limit.service';
import { generateApiKey, hashApiKey } from '../credentials/api-key.secret';
import { ApiKeyAuthService } from './api-key-auth.service';

function setup(budget = Infinity) {
  const key = generateApiKey('test');
  const lookups: string[] = [];
  const repo = {
    async findActiveKeyByHash(hash: string) {
      lookups.push(hash);
      return hash === hashApiKey(key) ? { id: 'api_key_1', environmentId: 'environment_1', rateLimitPerMinute: null } : null;
    },
  } as unknown as CredentialsRepository;
  const spent = new Map<string, number>();
  const rateLimit = {
    async spendLookup(ip: string) {
      spent.set(ip, (spent.get(ip) ?? 0) + 1);
      return spent.get(ip)! > budget ? 42 : undefined;
    },
  } as unknown as RateLimitService;
  const config = { API_KEY_CACHE_TTL_MS: 60_000, API_KEY_CACHE_MAX_ENTRIES: 2, API_KEY_NEGATIVE_CACHE_MAX_ENTRIES: 3 } as AppConfig;
  return { key, lookups, spent, auth: new ApiKeyAuthService(config, repo, rateLimit) };
}

describe('ApiKeyAuthService', () => {
  test('a known key resolves once, then comes from the cache', async () => {
    const { key, lookups, auth } = setup();
    const [a, b] = await Promise.all([auth.authenticate(`Bearer ${key}`, '10.0.0.1'), auth.authenticate(`bearer  ${key}`, '10.0.0.1')]);
    assert.deepEqual(a, { apiKeyId: 'api_key_1', environmentId: 'environment_1', rateLimitPerMinute: null });
    assert.deepEqual(b, a);
    assert.deepEqual(await auth.authenticate(`Bearer ${key}`, '10.0.0.1'), a);
    assert.equal(lookups.length, 1, 'concurrent misses share one query; hits make none');
  });

  test('unknown keys are cached as misses', async () => {
    const { lookups, auth } = setup();
    const unknown = generateApiKey('live');
    assert.equal(await auth.authenticate(`Bearer ${unknown}`, '10.0.0.1'), null);
    assert.equal(await auth.authenticate(`Bearer ${unknown}`, '10.0.0.1'), null);
    assert.equal(lookups.length, 1);
  });

  // Review M8 (d): before, one FIFO held both, and random keys flushed the valid ones out.
  test('a flood of unknown keys does not evict a valid key', async () => {
    const { key, lookups, auth } = setup();
    await auth.authenticate(`Bearer ${key}`, '10.0.0.1');
    for (let i = 0; i < 50; i++) assert.equal(await auth.authenticate(`Bearer ${generateApiKey('test')}`, '10.0.0.9'), null);
    const before = lookups.length;
    assert.equal((await auth.authenticate(`Bearer ${key}`, '10.0.0.1')) !== null, true);
    assert.equal(lookups.length, before, 'the valid key still came from its cache');
  });

  test('cache misses spend the client IP budget; past it the lookup is refused with a wait', async () => {
    const { key, lookups, spent, auth } = setup(2);
    assert.equal(await auth.authenticate(`Bearer ${generateApiKey('test')}`, '10.0.0.9'), null);
    assert.equal(await auth.authenticate(`Bearer ${generateApiKey('test')}`, '10.0.0.9'), null);
    assert.deepEqual(await auth.authenticate(`Bearer ${generateApiKey('test')}`, '10.0.0.9'), { throttled: true, retryAfterSeconds: 42 });
    assert.equal(lookups.length, 2, 'the refused lookup never reached the database');
    assert.notEqual(await auth.authenticate(`Bearer ${key}`, '10.0.0.1'), null, 'another IP is not affected');
    assert.equal(spent.get('10.0.0.1'), 1);
  });

  test('malformed headers never reach the database', async () => {
    const { key, lookups, spent, auth } = setup();
    for (const h of [undefined, '', 'Bearer', `Basic ${key}`, `Bearer ${key} extra`, 'Bearer sk_test_short', `Bearer ${'x'.repeat(300)}`]) {
      assert.equal(await auth.authenticate(h, '10.0.0.1'), null, String(h));
    }
    assert.equal(lookups.length, 0);
    assert.equal(spent.size, 0, 'nor spend a lookup');
  });
});
