import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { KEY_BLOB_BYTES, KeyBlobError, openValue, parseKeyBlob, sealValue, unwrapDataKey, wrapDataKey } from './key-blob';
import { canonicalContext, contextHash } from './key-context';
import { LocalKeyProvider, KeyProviderError } from './key-provider';
import { isUuid, uuidv7 } from './vault-ids';

const header = { kekId: uuidv7(), kekVersion: 3, keyId: uuidv7() };

describe('key blob', () => {
  test('wraps and unwraps a data key, and its header names the KEK version', () => {
    const kek = randomBytes(32);
    const key = randomBytes(32);
    const blob = wrapDataKey(header, kek, key, 'environment_1');
    assert.equal(blob.length, KEY_BLOB_BYTES);
    assert.deepEqual(parseKeyBlob(blob), header);
    assert.deepEqual(unwrapDataKey(blob, kek, 'environment_1'), key);
  });

  test('refuses another environment, another KEK and any flipped byte', () => {
    const kek = randomBytes(32);
    const blob = wrapDataKey(header, kek, randomBytes(32), 'environment_1');
    assert.throws(() => unwrapDataKey(blob, kek, 'environment_2'), KeyBlobError);
    assert.throws(() => unwrapDataKey(blob, randomBytes(32), 'environment_1'), KeyBlobError);
    for (let i = 4; i < blob.length; i++) {
      const bad = Buffer.from(blob);
      bad[i] = bad[i]! ^ 0x80;
      assert.throws(() => unwrapDataKey(bad, kek, 'environment_1'), KeyBlobError, `byte ${i}`);
    }
    assert.throws(() => parseKeyBlob(blob.subarray(1)), KeyBlobError);
    assert.throws(() => parseKeyBlob(Buffer.concat([Buffer.from('XXXX'), blob.subarray(4)])), KeyBlobError);
  });

  test('sealed values open only with their key and additional data', () => {
    const key = randomBytes(32);
    const sealed = sealValue(key, Buffer.from('hello'), 'ctx-1');
    assert.equal(openValue(key, sealed, 'ctx-1').toString(), 'hello');
    assert.throws(() => openValue(key, sealed, 'ctx-2'), KeyBlobError);
    assert.throws(() => openValue(randomBytes(32), sealed, 'ctx-1'), KeyBlobError);
    assert.notDeepEqual(sealValue(key, Buffer.from('hello'), 'ctx-1'), sealed);
  });
});

describe('LocalKeyProvider', () => {
  test('the first root key wraps, every listed key unwraps, the AAD binds', async () => {
    const [k1, k2] = [randomBytes(32), randomBytes(32)];
    const old = new LocalKeyProvider(new Map([['old', k1]]));
    const both = new LocalKeyProvider(new Map([['new', k2], ['old', k1]]));
    const kek = randomBytes(32);
    const w = await old.wrap(kek, Buffer.from('aad'));
    assert.equal(w.keyRef, 'old');
    assert.deepEqual(await both.unwrap(w.keyRef, w.wrapped, Buffer.from('aad')), kek);
    assert.equal((await both.wrap(kek, Buffer.from('aad'))).keyRef, 'new');
    await assert.rejects(both.unwrap(w.keyRef, w.wrapped, Buffer.from('other')), KeyProviderError);
    await assert.rejects(new LocalKeyProvider(new Map([['new', k2]])).unwrap('old', w.wrapped, Buffer.from('aad')), KeyProviderError);
    assert.throws(() => new LocalKeyProvider(new Map()), KeyProviderError);
  });
});

describe('key contexts and IDs', () => {
  test('a context selects the same KEK whatever its key order', () => {
    assert.equal(canonicalContext({ b: '2', a: '1' }), canonicalContext({ a: '1', b: '2' }));
    assert.equal(contextHash({ b: '2', a: '1' }), contextHash({ a: '1', b: '2' }));
    assert.notEqual(contextHash({ a: '1' }), contextHash({ a: '2' }));
    // No ambiguity between entries that concatenate alike.
    assert.notEqual(contextHash({ ab: 'c' }), contextHash({ a: 'bc' }));
  });

  test('UUIDv7 IDs are UUIDs that sort by creation time', () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    assert.ok(isUuid(a) && isUuid(b));
    assert.ok(a < b);
    assert.equal(a[14], '7');
  });
});
