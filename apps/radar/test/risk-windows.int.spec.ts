import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRedis, type Redis } from '@wos/platform';
import { testInfra, uniqueSuffix } from '@wos/platform/testing';
import { RiskWindowsRepository, type WindowSubject } from '../src/attempts/risk-windows.repository';
import { DEFAULT_RADAR_SETTINGS, mergeSettings } from '../src/radar-core/settings';

/* The Redis sliding windows behind the controls, on the real test Redis; time is passed in. */
describe('RiskWindowsRepository', () => {
  let redis: Redis;
  let windows: RiskWindowsRepository;
  const env = `environment_radar_windows_${uniqueSuffix()}`;
  const settings = mergeSettings(DEFAULT_RADAR_SETTINGS, { brute_force_attack: { window_seconds: 60 }, credential_stuffing: { window_seconds: 60 }, repeat_sign_up: { window_seconds: 60 } });
  let n = 0;
  const subject = (over: Partial<WindowSubject> = {}): WindowSubject => ({ environmentId: env, attemptId: `radar_att_${++n}`, ipAddress: '198.51.100.7', email: 'a@example.com', action: 'sign-in', ...over });

  before(() => {
    redis = createRedis(testInfra.redisUrl);
    windows = new RiskWindowsRepository(redis);
  });
  after(async () => {
    const keys = await redis.keys(`radar:${env}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  test('failures per account, IP and /24 slide: old attempts leave the window, a success leaves it at once', async () => {
    const t0 = 1_000_000;
    const email = 'slide@example.com';
    const first = subject({ email, ipAddress: '198.51.100.1' });
    await windows.record(first, settings, t0);
    await windows.record(subject({ email, ipAddress: '198.51.100.2' }), settings, t0 + 1000);
    const third = await windows.record(subject({ email, ipAddress: '198.51.100.1' }), settings, t0 + 2000);
    assert.equal(third.failuresForAccount, 3);
    assert.equal(third.failuresFromIp, 2);
    assert.equal(third.failuresFromSubnet, 3);
    // 60 s after the first attempt it has left the window (the boundary itself is still inside).
    const atBoundary = await windows.record(subject({ email, ipAddress: '198.51.100.3' }), settings, t0 + 60_000);
    assert.equal(atBoundary.failuresForAccount, 4);
    const past = await windows.record(subject({ email, ipAddress: '198.51.100.3' }), settings, t0 + 60_001);
    assert.equal(past.failuresForAccount, 4);
    assert.equal(past.failuresFromSubnet, 4);
    const second = subject({ email, ipAddress: '198.51.100.9' });
    await windows.record(second, settings, t0 + 61_000);
    await windows.recordSuccess(env, second.attemptId, second.ipAddress, email);
    const after = await windows.record(subject({ email, ipAddress: '198.51.100.3' }), settings, t0 + 61_500);
    // Without the success this would be 5.
    assert.equal(after.failuresForAccount, 4);
  });

  test('distinct accounts per IP count each account once', async () => {
    const ipAddress = '203.0.113.50';
    let last = await windows.record(subject({ ipAddress, email: 'x@example.com' }), settings);
    last = await windows.record(subject({ ipAddress, email: 'x@example.com' }), settings);
    assert.equal(last.accountsFromIp, 1);
    last = await windows.record(subject({ ipAddress, email: 'y@example.com' }), settings);
    assert.equal(last.accountsFromIp, 2);
  });

  test('distinct accounts per network: addresses of one ASN add up; without an ASN nothing is counted', async () => {
    const asn = 64_496; // a documentation ASN (RFC 5398)
    let last = await windows.record(subject({ ipAddress: '198.51.100.101', email: 'n1@example.com', asn }), settings);
    last = await windows.record(subject({ ipAddress: '198.51.100.102', email: 'n2@example.com', asn }), settings);
    last = await windows.record(subject({ ipAddress: '198.51.100.103', email: 'n2@example.com', asn }), settings);
    assert.deepEqual([last.accountsFromAsn, last.accountsFromIp], [2, 1]);
    last = await windows.record(subject({ ipAddress: '198.51.100.104', email: 'n3@example.com' }), settings);
    assert.equal(last.accountsFromAsn, 0);
  });

  test('sign-ups per IP and attempts per IP per minute; sign-ups are not sign-in failures', async () => {
    const ipAddress = '192.0.2.200';
    const t0 = 5_000_000;
    await windows.record(subject({ ipAddress, action: 'sign-up', email: 's1@example.com' }), settings, t0);
    const two = await windows.record(subject({ ipAddress, action: 'sign-up', email: 's2@example.com' }), settings, t0 + 10);
    assert.deepEqual([two.signUpsFromIp, two.failuresFromIp, two.attemptsFromIpLastMinute], [2, 0, 2]);
    const signIn = await windows.record(subject({ ipAddress }), settings, t0 + 59_000);
    assert.equal(signIn.attemptsFromIpLastMinute, 3);
    const later = await windows.record(subject({ ipAddress }), settings, t0 + 60_011);
    assert.equal(later.attemptsFromIpLastMinute, 2);
  });
});
