import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SecretBox } from '@wos/platform';
import { loadAppConfig } from './config';

const base = { INTERNAL_AUTH_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgresql://x/y', KAFKA_BROKERS: 'k:9092', SECRET_ENCRYPTION_KEYS: SecretBox.generateKeys() };

test('http and loopback endpoint URLs need ALLOW_LOOPBACK_URLS=true or their own settings (L7)', () => {
  const closed = loadAppConfig({ ...base });
  assert.equal(closed.WEBHOOK_ALLOW_HTTP, false);
  assert.deepEqual(closed.WEBHOOK_ALLOWED_CIDRS, []);
  const open = loadAppConfig({ ...base, ALLOW_LOOPBACK_URLS: 'true' });
  assert.equal(open.WEBHOOK_ALLOW_HTTP, true);
  assert.deepEqual(open.WEBHOOK_ALLOWED_CIDRS, ['127.0.0.0/8', '::1/128']);
  const explicit = loadAppConfig({ ...base, ALLOW_LOOPBACK_URLS: 'true', WEBHOOK_ALLOW_HTTP: 'false', WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' });
  assert.equal(explicit.WEBHOOK_ALLOW_HTTP, false);
  assert.deepEqual(explicit.WEBHOOK_ALLOWED_CIDRS, ['127.0.0.1/32']);
});
