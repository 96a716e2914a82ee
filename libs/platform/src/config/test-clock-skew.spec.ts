import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTestClockSkew } from './test-clock-skew';
import { ConfigError } from './config';

test('the clock-skew hook is refused in production and checks its value', () => {
  assert.throws(() => applyTestClockSkew({ NODE_ENV: 'production', WOS_TEST_CLOCK_SKEW_MS: '90000' }), ConfigError);
  assert.throws(() => applyTestClockSkew({ WOS_TEST_CLOCK_SKEW_MS: '90s' }), ConfigError);
  assert.throws(() => applyTestClockSkew({ WOS_TEST_CLOCK_SKEW_MS: String(48 * 3600_000) }), ConfigError);
  assert.equal(applyTestClockSkew({}), 0);
  assert.equal(applyTestClockSkew({ NODE_ENV: 'production' }), 0);
});

test('the clock-skew hook moves Date.now and new Date, and leaves explicit dates alone', () => {
  const RealDate = Date;
  try {
    assert.equal(applyTestClockSkew({ WOS_TEST_CLOCK_SKEW_MS: '90000' }), 90_000);
    const skewed = Date.now() - RealDate.now();
    assert.ok(skewed >= 89_900 && skewed <= 90_100, `Date.now is ${skewed} ms ahead`);
    const d = new Date().getTime() - RealDate.now();
    assert.ok(d >= 89_900 && d <= 90_100, `new Date() is ${d} ms ahead`);
    assert.equal(new Date(0).getTime(), 0);
    assert.equal(new Date('2026-01-01T00:00:00Z').toISOString(), '2026-01-01T00:00:00.000Z');
    assert.ok(new Date() instanceof RealDate);
  } finally {
    globalThis.Date = RealDate;
  }
});
