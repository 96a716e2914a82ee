import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnvCache } from './env-cache';

test('EnvCache: one load per environment within the TTL, reloaded after it or after invalidate', async () => {
  let loads = 0;
  const cache = new EnvCache(1000, async (env) => `${env}:${++loads}`);
  assert.equal(await cache.get('a', 0), 'a:1');
  assert.equal(await cache.get('a', 999), 'a:1');
  assert.equal(await cache.get('b', 999), 'b:2');
  assert.equal(await cache.get('a', 1000), 'a:3');
  cache.invalidate('a');
  assert.equal(await cache.get('a', 1001), 'a:4');
});
