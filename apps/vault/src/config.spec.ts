import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox } from '@wos/platform';
import { loadAppConfig, localRootKeys } from './config';

const base = { INTERNAL_AUTH_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgresql://x/y', KAFKA_BROKERS: 'k:9092' };

test('vault refuses to start without well-formed root keys', () => {
  assert.throws(() => loadAppConfig({ ...base }), /VAULT_ROOT_KEYS/);
  assert.throws(() => loadAppConfig({ ...base, VAULT_ROOT_KEYS: 'k1:c2hvcnQ=' }), /VAULT_ROOT_KEYS/);
  const config = loadAppConfig({ ...base, VAULT_ROOT_KEYS: `${SecretBox.generateKeys('new')},${SecretBox.generateKeys('old')}` });
  assert.equal(config.VAULT_KEY_PROVIDER, 'local');
  assert.equal(config.VAULT_MAX_VALUE_BYTES, 512 * 1024);
  assert.deepEqual([...localRootKeys(config)!.keys()], ['new', 'old']);
  assert.throws(() => loadAppConfig({ ...base, VAULT_ROOT_KEYS: SecretBox.generateKeys(), VAULT_KEY_PROVIDER: 'aws_kms' }), /VAULT_KEY_PROVIDER/);
});

test('the local root keys may come from a file instead; not from both', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vault-keys-'));
  try {
    const file = join(dir, 'root-keys');
    writeFileSync(file, `${SecretBox.generateKeys('filekey')}\n`);
    const config = loadAppConfig({ ...base, VAULT_ROOT_KEYS_FILE: file });
    assert.deepEqual([...localRootKeys(config)!.keys()], ['filekey']);
    assert.throws(() => loadAppConfig({ ...base, VAULT_ROOT_KEYS_FILE: file, VAULT_ROOT_KEYS: SecretBox.generateKeys() }), /not both/);
    writeFileSync(file, 'k1:c2hvcnQ=');
    assert.throws(() => localRootKeys(loadAppConfig({ ...base, VAULT_ROOT_KEYS_FILE: file })), /VAULT_ROOT_KEYS_FILE: key "k1" must be 32 bytes/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the PKCS#11 provider needs its module, token and PIN, and a root key label to hold the platform root', () => {
  assert.throws(() => loadAppConfig({ ...base, VAULT_KEY_PROVIDER: 'pkcs11' }), (err: Error) =>
    ['VAULT_PKCS11_LIBRARY', 'VAULT_PKCS11_TOKEN_LABEL', 'VAULT_PKCS11_PIN', 'VAULT_PKCS11_ROOT_KEY_LABEL'].every((v) => err.message.includes(v)),
  );
  assert.throws(() => loadAppConfig({ ...base, VAULT_ROOT_KEYS: SecretBox.generateKeys(), VAULT_PKCS11_LIBRARY: '/x.so' }), /VAULT_PKCS11_PIN/);
  const pkcs11 = { VAULT_PKCS11_LIBRARY: '/x.so', VAULT_PKCS11_TOKEN_LABEL: 'vault', VAULT_PKCS11_PIN: '1234' };
  assert.equal(loadAppConfig({ ...base, ...pkcs11, VAULT_KEY_PROVIDER: 'pkcs11', VAULT_PKCS11_ROOT_KEY_LABEL: 'root' }).VAULT_KEY_PROVIDER, 'pkcs11');
  assert.equal(localRootKeys(loadAppConfig({ ...base, ...pkcs11, VAULT_KEY_PROVIDER: 'pkcs11', VAULT_PKCS11_ROOT_KEY_LABEL: 'root' })), undefined);
});
