import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseConfigSchema, ConfigError, kafkaConfigSchema, loadConfig } from './config';
import { secretsConfigSchema, SecretBox } from '../crypto/secret-box';
import { deriveInternalAuthKey, deriveSecretEncryptionKeys } from '../crypto/service-keys';

test('loadConfig parses and applies defaults', () => {
  const c = loadConfig(baseConfigSchema.extend(kafkaConfigSchema.shape), { PORT: '80', INTERNAL_AUTH_SECRET: 'x'.repeat(16), KAFKA_BROKERS: 'a:1, b:2' });
  assert.equal(c.PORT, 80);
  assert.equal(c.HOST, '127.0.0.1');
  assert.deepEqual(c.KAFKA_BROKERS, ['a:1', 'b:2']);
  assert.deepEqual(c.INTERNAL_AUTH_PEER_KEYS, {});
  assert.equal(c.TRUST_PROXY, 1);
});

test('loadConfig fails fast, naming every bad variable', () => {
  assert.throws(
    () => loadConfig(baseConfigSchema, { PORT: 'eighty', INTERNAL_AUTH_SECRET: 'short', INTERNAL_AUTH_PEER_KEYS: 'sso', TRUST_PROXY: 'everyone' }),
    (err: unknown) =>
      err instanceof ConfigError && ['PORT', 'INTERNAL_AUTH_SECRET', 'INTERNAL_AUTH_PEER_KEYS', 'TRUST_PROXY'].every((v) => err.message.includes(v)),
  );
});

test('TRUST_PROXY is a hop count or the proxies\' CIDRs (M3)', () => {
  const parse = (TRUST_PROXY: string) => loadConfig(baseConfigSchema, { PORT: '1', INTERNAL_AUTH_SECRET: 'x'.repeat(16), TRUST_PROXY }).TRUST_PROXY;
  assert.equal(parse('1'), 1);
  assert.deepEqual(parse('10.0.0.0/8, fd00::/8'), ['10.0.0.0/8', 'fd00::/8']);
});

/* L13: with NODE_ENV=production, published development secrets (and keys derived from them) are refused. */
const schema = baseConfigSchema.extend(secretsConfigSchema.shape);
const goodKey = 'a'.repeat(64);
const load = (env: Record<string, string>) =>
  loadConfig(schema, { PORT: '1', NODE_ENV: 'production', INTERNAL_AUTH_SECRET: goodKey, SECRET_ENCRYPTION_KEYS: SecretBox.generateKeys(), ...env });

test('production refuses the published development secrets, named in a clear message (L13)', () => {
  const publishedKek = 'compose-dev:Y29tcG9zZS1kZXYta2V5LW5vdC1mb3ItcHJvZC11c2U=';
  const cases: [Record<string, string>, RegExp][] = [
    [{ INTERNAL_AUTH_SECRET: 'local-dev-internal-secret' }, /INTERNAL_AUTH_SECRET is a published development secret/],
    [{ INTERNAL_AUTH_SECRET: deriveInternalAuthKey('local-dev-internal-secret', 'identity') }, /INTERNAL_AUTH_SECRET is a published/],
    [{ INTERNAL_AUTH_PEER_KEYS: `sso=${deriveInternalAuthKey('local-dev-internal-secret', 'sso')}` }, /INTERNAL_AUTH_PEER_KEYS \(sso\) is a published/],
    [{ SECRET_ENCRYPTION_KEYS: publishedKek }, /SECRET_ENCRYPTION_KEYS key "compose-dev" is a published development key/],
    [{ SECRET_ENCRYPTION_KEYS: deriveSecretEncryptionKeys(publishedKek, 'sso') }, /SECRET_ENCRYPTION_KEYS key "compose-dev-sso" is a published/],
    [{ INTERNAL_AUTH_SECRET: 'sixteen-chars-ok!' }, /at least 32 characters in production/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => load(env), (err: unknown) => err instanceof ConfigError && /Refusing to start with NODE_ENV=production/.test(err.message) && message.test(err.message), JSON.stringify(env));
  }
  assert.equal(load({}).NODE_ENV, 'production');
  // Outside production the development values still work.
  assert.equal(load({ NODE_ENV: 'development', INTERNAL_AUTH_SECRET: 'local-dev-internal-secret', SECRET_ENCRYPTION_KEYS: publishedKek }).NODE_ENV, 'development');
});
