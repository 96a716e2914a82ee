import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SecretBox, SecretBoxError, safeEqual, secretsConfigSchema, sha256Hex } from './secret-box';

describe('SecretBox', () => {
  const keys = SecretBox.generateKeys('a');
  const box = SecretBox.fromConfig(keys);

  test('opens what it sealed, for the same context only', () => {
    const sealed = box.seal('whsec_secret', 'we_1');
    assert.equal(box.openString(sealed, 'we_1'), 'whsec_secret');
    assert.throws(() => box.open(sealed, 'we_2'), SecretBoxError);
  });

  test('fingerprints: deterministic per key and purpose, keyed, and found again after a rotation', () => {
    const fp = box.fingerprint('sk_value', 'api_key');
    assert.equal(fp, box.fingerprint('sk_value', 'api_key'));
    assert.match(fp, /^a\.[0-9a-f]{64}$/);
    assert.notEqual(fp, box.fingerprint('sk_value', 'other'));
    assert.notEqual(fp.slice(2), sha256Hex('sk_value'), 'keyed, not a bare hash');
    const rotated = SecretBox.fromConfig(`${SecretBox.generateKeys('b')},${keys}`);
    assert.notEqual(rotated.fingerprint('sk_value', 'api_key'), fp);
    assert.deepEqual(rotated.fingerprints('sk_value', 'api_key'), [rotated.fingerprint('sk_value', 'api_key'), fp]);
  });

  test('two seals of one value differ (random IV) and neither leaks the plaintext', () => {
    const a = box.seal('same', 'c');
    const b = box.seal('same', 'c');
    assert.notEqual(a, b);
    assert.ok(!a.includes('same'));
  });

  test('a tampered value, an unknown key or garbage fails to open', () => {
    const sealed = box.seal('x', 'c');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    assert.throws(() => box.open([parts[0], parts[1], parts[2], body.toString('base64url')].join('.'), 'c'), SecretBoxError);
    assert.throws(() => SecretBox.fromConfig(SecretBox.generateKeys('b')).open(sealed, 'c'), /unknown key id/);
    assert.throws(() => box.open('nonsense', 'c'), SecretBoxError);
  });

  test('rotation: a new first key seals, the old one still opens', () => {
    const old = box.seal('v', 'c');
    const rotated = SecretBox.fromConfig(`${SecretBox.generateKeys('b')},${keys}`);
    assert.equal(rotated.openString(old, 'c'), 'v');
    assert.ok(rotated.needsReseal(old));
    assert.ok(!rotated.needsReseal(rotated.seal('v', 'c')));
  });

  test('configuration is checked', () => {
    assert.equal(secretsConfigSchema.safeParse({ SECRET_ENCRYPTION_KEYS: keys }).success, true);
    for (const bad of ['', 'nokid', 'k:c2hvcnQ=', `a:${'A'.repeat(44)},${keys}`]) {
      assert.equal(secretsConfigSchema.safeParse({ SECRET_ENCRYPTION_KEYS: bad }).success, false, bad);
    }
  });
});

test('safeEqual and sha256Hex', () => {
  assert.ok(safeEqual('abc', 'abc'));
  assert.ok(!safeEqual('abc', 'abd'));
  assert.ok(!safeEqual('abc', 'abcd'));
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
