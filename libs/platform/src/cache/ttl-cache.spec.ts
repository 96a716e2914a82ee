import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  test('returns fresh entries, including cached nulls, and drops expired ones', () => {
    const c = new TtlCache<string | null>(10);
    c.set('a', 'x', 100, 1000);
    c.set('n', null, 100, 1000);
    assert.deepEqual(c.get('a', 1050)?.value, 'x');
    assert.deepEqual(c.get('n', 1050), { value: null, expiresAt: 1100 });
    assert.equal(c.get('a', 1100), undefined);
    assert.equal(c.get('missing', 1000), undefined);
  });

  test('evicts the oldest insertion when full', () => {
    const c = new TtlCache<number>(2);
    c.set('a', 1, 1000, 0);
    c.set('b', 2, 1000, 0);
    c.set('c', 3, 1000, 0);
    assert.equal(c.size, 2);
    assert.equal(c.get('a', 1), undefined);
    assert.equal(c.get('c', 1)?.value, 3);
  });

  test('a zero TTL caches nothing', () => {
    const c = new TtlCache<number>(2);
    c.set('a', 1, 0, 0);
    assert.equal(c.size, 0);
  });
});
