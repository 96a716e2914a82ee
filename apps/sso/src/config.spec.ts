import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SecretBox } from '@wos/platform';
import { loadAppConfig } from './config';

const base = { INTERNAL_AUTH_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgresql://x/y', KAFKA_BROKERS: 'k:9092', SECRET_ENCRYPTION_KEYS: SecretBox.generateKeys() };

test('http and loopback IdP URLs need ALLOW_LOOPBACK_URLS=true; an unset NODE_ENV does not imply them (L7)', () => {
  const closed = loadAppConfig({ ...base });
  assert.equal(closed.NODE_ENV, 'development');
  assert.equal(closed.SSO_ALLOW_HTTP_IDP_URLS, false);
  assert.deepEqual(closed.SSO_ALLOWED_IDP_CIDRS, []);
  const open = loadAppConfig({ ...base, ALLOW_LOOPBACK_URLS: 'true' });
  assert.equal(open.SSO_ALLOW_HTTP_IDP_URLS, true);
  assert.deepEqual(open.SSO_ALLOWED_IDP_CIDRS, ['127.0.0.0/8', '::1/128']);
  assert.deepEqual(loadAppConfig({ ...base, ALLOW_LOOPBACK_URLS: 'true', SSO_ALLOWED_IDP_CIDRS: '10.1.0.0/16' }).SSO_ALLOWED_IDP_CIDRS, ['10.1.0.0/16']);
});
