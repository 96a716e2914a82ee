import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rateLimitUsageRecordedSchema } from '@wos/contracts';
import { MinuteCounts } from './rate-limit-usage.events';

describe('MinuteCounts (the rate-limit usage events)', () => {
  const m = 29_420_000; // 2025-12-08T…: any minute number

  test('sums per (environment, minute, bucket) and hands out only the minutes before the given one', () => {
    const c = new MinuteCounts(100);
    c.add('env_a', m, 'api_key', 1, 0);
    c.add('env_a', m, 'api_key', 1, 1);
    c.add('env_a', m, 'GET /organizations per environment', 1, 1);
    c.add('env_b', m, 'api_key', 1, 0);
    c.add('env_a', m + 1, 'api_key', 1, 0);
    assert.equal(c.size, 4);
    assert.equal(c.oldestMinute, m);
    const closed = c.takeBefore(m + 1);
    assert.deepEqual(
      closed.map((u) => [u.environmentId, u.minute, u.data]),
      [
        ['env_a', m, { object: 'rate_limit_usage', minute: new Date(m * 60_000).toISOString(), buckets: [{ bucket: 'GET /organizations per environment', requests: 1, limited: 1 }, { bucket: 'api_key', requests: 2, limited: 1 }] }],
        ['env_b', m, { object: 'rate_limit_usage', minute: new Date(m * 60_000).toISOString(), buckets: [{ bucket: 'api_key', requests: 1, limited: 0 }] }],
      ],
    );
    for (const u of closed) assert.ok(rateLimitUsageRecordedSchema.safeParse(u.data).success, 'the contract takes it');
    assert.equal(c.size, 1, 'the open minute stays');
    assert.equal(c.oldestMinute, m + 1);
    assert.deepEqual(c.takeBefore(m + 1), [], 'a minute is handed out once');
    assert.equal(c.takeBefore(Number.POSITIVE_INFINITY).length, 1, 'shutdown takes the open minute too');
    assert.equal(c.size, 0);
    assert.equal(c.oldestMinute, undefined);
  });

  test('past the bound a new bucket is dropped, an existing one still counts', () => {
    const c = new MinuteCounts(1);
    assert.equal(c.add('env_a', m, 'api_key', 1, 0), true);
    assert.equal(c.add('env_a', m, 'public_ip', 1, 0), false);
    assert.equal(c.add('env_a', m, 'api_key', 1, 1), true);
    assert.deepEqual(c.takeBefore(m + 1)[0]!.data.buckets, [{ bucket: 'api_key', requests: 2, limited: 1 }]);
  });

  test('a minute with more buckets than one event carries is split, every count in exactly one event', () => {
    const c = new MinuteCounts(10_000);
    for (let i = 0; i < 1200; i++) c.add('env_a', m, `rule ${String(i).padStart(4, '0')}`, 1, 0);
    const events = c.takeBefore(m + 1);
    assert.deepEqual(events.map((e) => e.data.buckets.length), [500, 500, 200]);
    assert.equal(new Set(events.flatMap((e) => e.data.buckets.map((b) => b.bucket))).size, 1200);
  });
});
