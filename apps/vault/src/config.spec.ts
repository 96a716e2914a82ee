import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SecretBox } from '@wos/platform';
import { loadAppConfig } from './config';

const base = { INTERNAL_AUTH_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgresql://x/y', KAFKA_BROKERS: 'k:9092' };

test('vault refuses to start without well-formed root keys', () => {
  assert.throws(() => loadAppConfig({ ...base }), /VAULT_ROOT_KEYS/);
  assert.throws(() => loadAppConfig({ ...base, VAULT_ROOT_KEYS: 'k1:c2hvcnQ=' }), /VAULT_ROOT_KEYS/);
  const config = loadAppConfig({ ...base, VAULT_ROOT_KEYS: `${SecretBox.generateKeys('new')},${SecretBox.generateKeys('old')}` });
  assert.equal(config.VAULT_KEY_PROVIDER, 'local');
  assert.equal(config.VAULT_MAX_VALUE_BYTES, 512 * 1024);
  assert.throws(() => loadAppConfig({ ...base, VAULT_ROOT_KEYS: SecretBox.generateKeys(), VAULT_KEY_PROVIDER: 'aws_kms' }), /VAULT_KEY_PROVIDER/);
});
