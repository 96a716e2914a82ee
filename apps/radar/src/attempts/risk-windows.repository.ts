import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { REDIS, type Redis } from '@wos/platform';
import type { AttemptAction } from '../radar-core/controls';
import { subnetOf } from '../radar-core/network';
import type { RadarSettings } from '../radar-core/settings';

export interface WindowCounts {
  attemptsFromIpLastMinute: number;
  failuresForAccount: number;
  failuresFromIp: number;
  failuresFromSubnet: number;
  accountsFromIp: number;
  accountsFromAsn: number;
  signUpsFromIp: number;
}

export interface WindowSubject {
  environmentId: string;
  attemptId: string;
  ipAddress: string;
  email: string;
  action: AttemptAction;
  /** The IP address's autonomous system, when known: distinct accounts are counted per network too. */
  asn?: number;
}

const NO_COUNTS: WindowCounts = { attemptsFromIpLastMinute: 0, failuresForAccount: 0, failuresFromIp: 0, failuresFromSubnet: 0, accountsFromIp: 0, accountsFromAsn: 0, signUpsFromIp: 0 };

/* Keys are hashed: bounded length, and no email address in Redis's key space. */
const digest = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 22);
const key = (env: string, kind: string, subject: string) => `radar:${env}:${kind}:${digest(subject)}`;

/**
 * Sliding windows in Redis sorted sets (score = time in ms). Every sign-in attempt counts as a
 * failure until updateAttempt reports it succeeded, which removes it from the failure windows:
 * radar only learns of outcomes that way. One MULTI per attempt records it and reads every count.
 */
@Injectable()
export class RiskWindowsRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async record(s: WindowSubject, settings: RadarSettings, now = Date.now()): Promise<WindowCounts> {
    // Without an IP address only the account's failures can be counted.
    if (!s.ipAddress) return this.recordAccountOnly(s, settings, now);
    // Each window: [count it feeds, sorted-set key, member, length in ms].
    type Window = [keyof WindowCounts, string, string, number];
    const windows: Window[] = [['attemptsFromIpLastMinute', key(s.environmentId, 'ip1m', s.ipAddress), s.attemptId, 60_000]];
    if (s.action === 'sign-in') {
      const bf = settings.brute_force_attack.window_seconds * 1000;
      const cs = settings.credential_stuffing.window_seconds * 1000;
      windows.push(
        ['failuresForAccount', key(s.environmentId, 'fail:acct', s.email), s.attemptId, bf],
        ['failuresFromIp', key(s.environmentId, 'fail:ip', s.ipAddress), s.attemptId, bf],
        ['failuresFromSubnet', key(s.environmentId, 'fail:net', subnetOf(s.ipAddress)), s.attemptId, bf],
        // Distinct accounts: the member is the account, so repeats of one account count once.
        ['accountsFromIp', key(s.environmentId, 'accts:ip', s.ipAddress), digest(s.email), cs],
      );
      if (s.asn !== undefined) windows.push(['accountsFromAsn', key(s.environmentId, 'accts:asn', String(s.asn)), digest(s.email), cs]);
    } else {
      windows.push(['signUpsFromIp', key(s.environmentId, 'signup:ip', s.ipAddress), s.attemptId, settings.repeat_sign_up.window_seconds * 1000]);
    }
    const m = this.redis.multi();
    for (const [, k, member, ms] of windows) m.zadd(k, now, member).zremrangebyscore(k, '-inf', `(${now - ms}`).zcard(k).pexpire(k, ms);
    const results = (await m.exec()) ?? [];
    const counts: WindowCounts = { ...NO_COUNTS };
    windows.forEach(([name], i) => {
      const [err, value] = results[i * 4 + 2] ?? [new Error('no reply'), 0];
      if (err) throw err;
      counts[name] = Number(value);
    });
    return counts;
  }

  private async recordAccountOnly(s: WindowSubject, settings: RadarSettings, now: number): Promise<WindowCounts> {
    if (s.action !== 'sign-in') return { ...NO_COUNTS };
    const k = key(s.environmentId, 'fail:acct', s.email);
    const ms = settings.brute_force_attack.window_seconds * 1000;
    const results = (await this.redis.multi().zadd(k, now, s.attemptId).zremrangebyscore(k, '-inf', `(${now - ms}`).zcard(k).pexpire(k, ms).exec()) ?? [];
    const [err, value] = results[2] ?? [new Error('no reply'), 0];
    if (err) throw err;
    return { ...NO_COUNTS, failuresForAccount: Number(value) };
  }

  /**
   * A failed sign-in radar did not assess (identity's wrong passwords, from its events): it joins
   * the account, IP and network failure windows. Idempotent by construction: the member is the
   * event ID and the score its time, so a redelivered event adds nothing.
   */
  async recordFailure(environmentId: string, failure: { id: string; ipAddress: string | null; email: string | null; at: number }, settings: RadarSettings): Promise<void> {
    const ms = settings.brute_force_attack.window_seconds * 1000;
    const keys = [
      failure.email ? key(environmentId, 'fail:acct', failure.email.toLowerCase()) : null,
      failure.ipAddress ? key(environmentId, 'fail:ip', failure.ipAddress) : null,
      failure.ipAddress ? key(environmentId, 'fail:net', subnetOf(failure.ipAddress)) : null,
    ].filter((k): k is string => k !== null);
    if (!keys.length) return;
    const m = this.redis.multi();
    for (const k of keys) m.zadd(k, failure.at, failure.id).zremrangebyscore(k, '-inf', `(${Date.now() - ms}`).pexpire(k, ms);
    await m.exec();
  }

  /** A succeeded attempt is no failure: it leaves the account, IP and network failure windows. */
  async recordSuccess(environmentId: string, attemptId: string, ipAddress: string, email: string): Promise<void> {
    const m = this.redis.multi().zrem(key(environmentId, 'fail:acct', email), attemptId);
    if (ipAddress) m.zrem(key(environmentId, 'fail:ip', ipAddress), attemptId).zrem(key(environmentId, 'fail:net', subnetOf(ipAddress)), attemptId);
    await m.exec();
  }
}
