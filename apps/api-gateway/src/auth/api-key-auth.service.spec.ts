import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppConfig } from '../config';
import type { CredentialsRepository } from '../credentials/credentials.repository';
import { generateApiKey, hashApiKey } from '../credentials/api-key.secret';
import { ApiKeyAuthService } from './api-key-auth.service';

function setup() {
  const key = generateApiKey('test');
  const lookups: string[] = [];
  const repo = {
    async findActiveKeyByHash(hash: string) {
      lookups.push(hash);
      return hash === hashApiKey(key) ? { id: 'api_key_1', environmentId: 'environment_1', rateLimitPerMinute: null } : null;
    },
  } as unknown as CredentialsRepository;
  const config = { API_KEY_CACHE_TTL_MS: 60_000, API_KEY_CACHE_MAX_ENTRIES: 100 } as AppConfig;
  return { key, lookups, auth: new ApiKeyAuthService(config, repo) };
}

describe('ApiKeyAuthService', () => {
  test('a known key resolves once, then comes from the cache', async () => {
    const { key, lookups, auth } = setup();
    const [a, b] = await Promise.all([auth.authenticate(`Bearer ${key}`), auth.authenticate(`bearer  ${key}`)]);
    assert.deepEqual(a, { apiKeyId: 'api_key_1', environmentId: 'environment_1', rateLimitPerMinute: null });
    assert.deepEqual(b, a);
    assert.deepEqual(await auth.authenticate(`Bearer ${key}`), a);
    assert.equal(lookups.length, 1, 'concurrent misses share one query; hits make none');
  });

  test('unknown keys are cached as misses', async () => {
    const { lookups, auth } = setup();
    const unknown = generateApiKey('live');
    assert.equal(await auth.authenticate(`Bearer ${unknown}`), null);
    assert.equal(await auth.authenticate(`Bearer ${unknown}`), null);
    assert.equal(lookups.length, 1);
  });

  test('malformed headers never reach the database', async () => {
    const { key, lookups, auth } = setup();
    for (const h of [undefined, '', 'Bearer', `Basic ${key}`, `Bearer ${key} extra`, 'Bearer sk_test_short', `Bearer ${'x'.repeat(300)}`]) {
      assert.equal(await auth.authenticate(h), null, String(h));
    }
    assert.equal(lookups.length, 0);
  });
});
