import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { daysUntilExpiry, noticeDue, noticeStep } from './certificate-schedule';

const now = new Date('2026-12-04T12:00:00Z');
const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000);

describe('certificate-schedule', () => {
  test('no notice further out than 90 days; the first at 89 days left', () => {
    assert.equal(noticeStep(inDays(90.5), now), null);
    assert.equal(noticeStep(inDays(89.5), now), 90);
    assert.equal(daysUntilExpiry(inDays(89.5), now), 89);
  });

  test('each step is announced once, then the next step', () => {
    assert.equal(noticeDue(inDays(45), now, undefined), 60);
    assert.equal(noticeDue(inDays(45), now, { step: 60, sentAt: now }), null);
    assert.equal(noticeDue(inDays(29), now, { step: 60, sentAt: now }), 30);
    assert.equal(noticeStep(inDays(0.5), now), 1);
  });

  test('after expiry: step 0, repeated weekly', () => {
    assert.equal(noticeStep(inDays(-0.1), now), 0);
    assert.equal(noticeDue(inDays(-1), now, { step: 1, sentAt: inDays(-2) }), 0);
    assert.equal(noticeDue(inDays(-3), now, { step: 0, sentAt: inDays(-6) }), null);
    assert.equal(noticeDue(inDays(-10), now, { step: 0, sentAt: inDays(-7) }), 0);
  });
});
