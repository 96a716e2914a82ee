import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testInfra, uniqueSuffix } from '../testing/testing';
import { createLogger } from '../logging/logger';
import { createKafka } from './kafka';
import { REQUEST_TIMEOUT_CHECK_MS, scheduleCheckPendingRequests, scheduleRequestTimeoutCheck } from './kafkajs-idle-fix';

describe('kafkajs idle fix (RequestQueue.scheduleCheckPendingRequests)', () => {
  const queue = (over: Partial<{ throttledUntil: number; pending: unknown[] }> = {}) => ({
    throttledUntil: -1,
    pending: [] as unknown[],
    throttleCheckTimeoutId: null as NodeJS.Timeout | null,
    checks: 0,
    checkPendingRequests() {
      this.checks++;
    },
    ...over,
  });

  test('arms no timer when nothing is pending and nothing is throttled; does when a request waits or a throttle ends', () => {
    const idle = queue();
    scheduleCheckPendingRequests.call(idle);
    assert.equal(idle.throttleCheckTimeoutId, null);

    const waiting = queue({ pending: [{}] });
    scheduleCheckPendingRequests.call(waiting);
    assert.ok(waiting.throttleCheckTimeoutId);
    clearTimeout(waiting.throttleCheckTimeoutId!);

    const throttled = queue({ throttledUntil: Date.now() + 60_000 });
    scheduleCheckPendingRequests.call(throttled);
    assert.ok(throttled.throttleCheckTimeoutId, 'the throttle end is still checked');
    clearTimeout(throttled.throttleCheckTimeoutId!);
  });

  test('request timeouts are still enforced (every 5 s, or the timeout when shorter)', async () => {
    let timedOut = 0;
    const q = {
      enforceRequestTimeout: true,
      requestTimeout: 50,
      requestTimeoutIntervalId: undefined as NodeJS.Timeout | undefined,
      inflight: new Map([[1, { sentAt: Date.now(), requestTimeout: 50, timeoutRequest: () => void timedOut++ }]]),
      isConnected: () => true,
      destroy() {
        clearInterval(this.requestTimeoutIntervalId);
      },
    };
    scheduleRequestTimeoutCheck.call(q);
    try {
      await new Promise<void>((resolve) => setTimeout(resolve, 200));
      assert.ok(timedOut >= 1, 'a request past its timeout is timed out');
    } finally {
      q.destroy();
    }
    assert.equal(REQUEST_TIMEOUT_CHECK_MS, 5000);
  });

  test('an idle connection to a real broker neither spins nor polls its queue (kafkajs 2.2.4: ~1,000 + 10 wake-ups a second)', async () => {
    const kafka = createKafka({ brokers: testInfra.kafkaBrokers, clientId: `idle-fix-${uniqueSuffix()}`, logger: createLogger('idle-fix', 'silent') });
    const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: { checkPendingRequests: () => void } };
    const original = RequestQueue.prototype.checkPendingRequests;
    let checks = 0;
    RequestQueue.prototype.checkPendingRequests = function (this: unknown) {
      checks++;
      return original.call(this);
    };
    // The intervals kafkajs arms while connecting (its request-timeout check).
    const realSetInterval = global.setInterval;
    const intervals: number[] = [];
    global.setInterval = ((fn: () => void, ms?: number) => {
      intervals.push(ms ?? 0);
      return realSetInterval(fn, ms);
    }) as typeof setInterval;
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.listTopics();
      global.setInterval = realSetInterval;
      const before = checks;
      const start = Date.now();
      // A window of idle: the connection is open and every request answered.
      await new Promise<void>((resolve) => setTimeout(resolve, 500));
      const perSecond = ((checks - before) * 1000) / (Date.now() - start);
      assert.ok(perSecond < 10, `${perSecond.toFixed(0)} queue checks per second on an idle connection`);
      assert.ok(intervals.length >= 1, 'the request-timeout check is armed');
      assert.ok(intervals.every((ms) => ms >= REQUEST_TIMEOUT_CHECK_MS), `intervals: ${intervals.join(', ')} ms`);
    } finally {
      global.setInterval = realSetInterval;
      RequestQueue.prototype.checkPendingRequests = original;
      await admin.disconnect();
    }
  });
});
