import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { testRedisUrl } from '@wos/platform/testing';
import { DEFAULT_RADAR_SETTINGS } from '../radar-core/settings';
import { RiskWindowsRepository, type WindowSubject } from './risk-windows.repository';

/*
 * Real Redis: a wrong password reaches the failure windows once. Identity assesses a password
 * sign-in before the hash is checked (countsAsFailure: false) and reports the failure by its
 * event (recordFailure); the attempt counts itself in its own verdict but is not stored.
 */
describe('RiskWindowsRepository', () => {
  let redis: Redis;
  let windows: RiskWindowsRepository;
  const run = randomBytes(6).toString('hex');
  let envs = 0;
  const newEnv = () => `environment_${run}${++envs}`;
  const settings = DEFAULT_RADAR_SETTINGS;

  before(() => {
    redis = new Redis(testRedisUrl(0), { lazyConnect: false });
    windows = new RiskWindowsRepository(redis);
  });
  after(async () => {
    const keys = await redis.keys(`radar:environment_${run}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const subject = (env: string, n: number, email: string, extra: Partial<WindowSubject> = {}): WindowSubject => ({ environmentId: env, attemptId: `radar_att_${n}`, ipAddress: '10.1.2.3', email, action: 'sign-in', ...extra });

  test('an attempt that counts as a failure stays in the failure windows until its success', async () => {
    const env = newEnv();
    const email = 'counted@example.com';
    assert.equal((await windows.record(subject(env, 1, email), settings)).failuresForAccount, 1);
    assert.equal((await windows.record(subject(env, 2, email), settings)).failuresForAccount, 2);
    await windows.recordSuccess(env, 'radar_att_1', '10.1.2.3', email);
    assert.equal((await windows.record(subject(env, 3, email), settings)).failuresForAccount, 2);
  });

  test('an attempt whose failure is reported by event counts itself once, and its failure event adds exactly one', async () => {
    const env = newEnv();
    const email = 'reported@example.com';
    const ip = '10.9.9.9';
    const early = (n: number) => windows.record(subject(env, n, email, { ipAddress: ip, countsAsFailure: false }), settings);
    const first = await early(10);
    assert.deepEqual([first.failuresForAccount, first.failuresFromIp, first.failuresFromSubnet], [1, 1, 1]);
    // Its password was wrong: identity's authentication.password_failed arrives (twice: redelivered).
    const failed = { id: 'event_1', ipAddress: ip, email, at: Date.now() };
    await windows.recordFailure(env, failed, settings);
    await windows.recordFailure(env, failed, settings);
    const second = await early(11);
    assert.deepEqual([second.failuresForAccount, second.failuresFromIp, second.failuresFromSubnet], [2, 2, 2]);
    // Neither early attempt is stored: each failure window (account, IP, network) holds the event alone.
    const keys = (await redis.keys(`radar:${env}:fail:*`)).sort();
    assert.equal(keys.length, 3);
    assert.deepEqual(await Promise.all(keys.map((k) => redis.zrange(k, '0', '-1'))), [['event_1'], ['event_1'], ['event_1']]);
  });

  test('without an IP address only the account window is read, the attempt counted and not stored', async () => {
    const env = newEnv();
    const email = 'no-ip@example.com';
    const counts = await windows.record(subject(env, 20, email, { ipAddress: '', countsAsFailure: false }), settings);
    assert.deepEqual([counts.failuresForAccount, counts.failuresFromIp, counts.attemptsFromIpLastMinute], [1, 0, 0]);
    const again = await windows.record(subject(env, 21, email, { ipAddress: '', countsAsFailure: false }), settings);
    assert.equal(again.failuresForAccount, 1);
    assert.deepEqual(await redis.keys(`radar:${env}:*`), []);
  });
});
