import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SecretBox } from './secret-box';
import { deriveInternalAuthKey, deriveSecretEncryptionKeys } from './service-keys';

test('per-service SecretBox keys: one service cannot open another service\'s sealed values (L14)', () => {
  const root = SecretBox.generateKeys('root1');
  const sso = SecretBox.fromConfig(deriveSecretEncryptionKeys(root, 'sso'));
  const webhooks = SecretBox.fromConfig(deriveSecretEncryptionKeys(root, 'webhook-dispatcher'));
  const sealed = sso.seal('idp-client-secret', 'conn_1');
  assert.equal(sso.openString(sealed, 'conn_1'), 'idp-client-secret');
  assert.equal(sealed.split('.')[1], 'root1-sso');
  assert.throws(() => webhooks.open(sealed, 'conn_1'), /unknown key id/);
  assert.throws(() => SecretBox.fromConfig(root).open(sealed, 'conn_1'), /unknown key id/);
  assert.equal(deriveSecretEncryptionKeys(root, 'sso'), deriveSecretEncryptionKeys(root, 'sso'), 'deterministic');
});

test('keeping the shared root decrypt-only opens values sealed before per-service keys, and seals with the service key', () => {
  const root = SecretBox.generateKeys('dev1');
  const legacy = SecretBox.fromConfig(root).seal('whsec_old', 'we_1');
  const migrated = SecretBox.fromConfig(deriveSecretEncryptionKeys(root, 'webhook-dispatcher', { keepRootForDecrypt: true }));
  assert.equal(migrated.openString(legacy, 'we_1'), 'whsec_old');
  assert.equal(migrated.needsReseal(legacy), true);
  const resealed = migrated.seal('whsec_old', 'we_1');
  assert.equal(resealed.split('.')[1], 'dev1-webhook-dispatcher');
  assert.equal(migrated.needsReseal(resealed), false);
});

test('a rotated root rotates every service in the same order; over-long key ids are refused', () => {
  const rotated = `${SecretBox.generateKeys('k2')},${SecretBox.generateKeys('k1')}`;
  assert.deepEqual(deriveSecretEncryptionKeys(rotated, 'sso').split(',').map((k) => k.split(':')[0]), ['k2-sso', 'k1-sso']);
  assert.throws(() => deriveSecretEncryptionKeys(SecretBox.generateKeys('a-very-long-key-id'), 'webhook-dispatcher'), /too long/);
});

test('internal-auth keys differ per service and do not reveal the root', () => {
  const keys = ['identity', 'sso', 'organizations'].map((s) => deriveInternalAuthKey('root-secret-0123456789abcdef', s));
  assert.equal(new Set(keys).size, 3);
  assert.ok(keys.every((k) => /^[0-9a-f]{64}$/.test(k) && !k.includes('root-secret')));
});
