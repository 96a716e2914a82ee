import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../config';
import { nextAttemptAt, parseDuration, parseSchedule } from './retry-schedule';

test('durations and schedules parse', () => {
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('5d'), 432_000_000);
  assert.equal(parseDuration('42'), 42);
  assert.throws(() => parseDuration('soon'));
  assert.deepEqual(parseSchedule('1s, 2s ,3m'), [1000, 2000, 180_000]);
});

test('the default schedule is 12 attempts over about 3 days, and then the delivery fails', () => {
  const config = configSchema.parse({ INTERNAL_AUTH_SECRET: 'x'.repeat(16), DATABASE_URL: 'postgresql://x/y', KAFKA_BROKERS: 'k:9092', SECRET_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString('base64')}` });
  const schedule = config.WEBHOOK_RETRY_SCHEDULE;
  assert.equal(schedule.length + 1, 12);
  const total = schedule.reduce((a, b) => a + b, 0);
  assert.ok(total > 2.9 * 86_400_000 && total < 3.1 * 86_400_000, `${total / 3_600_000} h`);
  for (let i = 1; i < schedule.length; i++) assert.ok(schedule[i]! >= schedule[i - 1]!, 'waits never shrink');
  const now = new Date(0);
  assert.equal(nextAttemptAt(schedule, 1, now)!.getTime(), 30_000);
  assert.equal(nextAttemptAt(schedule, 11, now)!.getTime(), 40 * 3_600_000);
  assert.equal(nextAttemptAt(schedule, 12, now), null);
  assert.equal(config.WEBHOOK_TIMEOUT, 15_000);
  assert.equal(config.WEBHOOK_DISABLE_AFTER, 5 * 86_400_000);
  assert.deepEqual(config.WEBHOOK_ALLOWED_CIDRS, []);
  assert.equal(config.WEBHOOK_ALLOW_HTTP, false);
});
