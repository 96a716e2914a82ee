import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateApiKey, hasApiKeyShape, hashApiKey, obfuscateApiKey } from './api-key.secret';

describe('api-key.secret', () => {
  test('generates sk_<kind>_ keys with a 43-character base62 secret', () => {
    const live = generateApiKey('live');
    assert.match(live, /^sk_live_[0-9A-Za-z]{43}$/);
    assert.match(generateApiKey('test'), /^sk_test_[0-9A-Za-z]{43}$/);
    assert.ok(hasApiKeyShape(live));
    assert.notEqual(generateApiKey('test'), generateApiKey('test'));
  });

  test('hashes with sha256 hex', () => {
    assert.equal(hashApiKey('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('rejects strings that cannot be keys', () => {
    for (const s of ['', 'sk_test_', 'sk_prod_abcdefghijklmnopqrstuvwxyz', 'sk_test_abc def ghi jkl mno pqr', 'Bearer x']) {
      assert.equal(hasApiKeyShape(s), false, s);
    }
  });

  test('obfuscates to the kind and last four characters', () => {
    assert.equal(obfuscateApiKey('test', 'abcd'), 'sk_test_…abcd');
  });
});
