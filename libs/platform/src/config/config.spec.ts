import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseConfigSchema, ConfigError, kafkaConfigSchema, loadConfig } from './config';

test('loadConfig parses and applies defaults', () => {
  const c = loadConfig(baseConfigSchema.extend(kafkaConfigSchema.shape), { PORT: '80', INTERNAL_AUTH_SECRET: 'x'.repeat(16), KAFKA_BROKERS: 'a:1, b:2' });
  assert.equal(c.PORT, 80);
  assert.equal(c.HOST, '127.0.0.1');
  assert.deepEqual(c.KAFKA_BROKERS, ['a:1', 'b:2']);
});

test('loadConfig fails fast, naming every bad variable', () => {
  assert.throws(
    () => loadConfig(baseConfigSchema, { PORT: 'eighty', INTERNAL_AUTH_SECRET: 'short' }),
    (err: unknown) => err instanceof ConfigError && /PORT/.test(err.message) && /INTERNAL_AUTH_SECRET/.test(err.message),
  );
});
