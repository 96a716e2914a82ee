import { hash } from 'node:crypto';
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
  /**
   * False when the caller reports a failure by its own event (recordFailure): the attempt is then
   * not stored in the failure windows, so a wrong password is counted once, yet their counts
   * include it as if it were (the verdict is the same either way). Default true.
   */
  countsAsFailure?: boolean;
}

/** [the count it feeds, sorted-set key, member (null: counted, not stored), length in ms]. */
type Window = [keyof WindowCounts, string, string | null, number];

const NO_COUNTS: WindowCounts = { attemptsFromIpLastMinute: 0, failuresForAccount: 0, failuresFromIp: 0, failuresFromSubnet: 0, accountsFromIp: 0, accountsFromAsn: 0, signUpsFromIp: 0 };

/* Keys are hashed: bounded length, and no email address in Redis's key space. */
const digest = (s: string) => hash('sha256', s, 'base64url').slice(0, 22);
const key = (env: string, kind: string, subject: string) => `radar:${env}:${kind}:${digest(subject)}`;

/*
 * KEYS: the windows' sorted sets. ARGV[1]: now (ms); then per window: the member ('' = none),
 * the exclusive lower bound of what stays ("(<ms>"), the window's length (ms). Returns each count.
 */
const SLIDE_WINDOWS_LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  local member = ARGV[3 * i - 1]
  if member ~= '' then redis.call('ZADD', key, ARGV[1], member) end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[3 * i])
  out[i] = redis.call('ZCARD', key)
  redis.call('PEXPIRE', key, ARGV[3 * i + 1])
end
return out`;
type WithSlideScript = { radarSlideWindows(numKeys: number, ...args: string[]): Promise<number[]> };

/**
 * Sliding windows in Redis sorted sets (score = time in ms). Every sign-in attempt counts as a
 * failure until updateAttempt reports it succeeded, which removes it from the failure windows,
 * unless its caller reports failures itself (identity's password sign-ins, assessed before the
 * password is checked: their failures come from recordFailure). One script call per attempt
 * records it and reads every count.
 */
@Injectable()
export class RiskWindowsRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {
    redis.defineCommand('radarSlideWindows', { lua: SLIDE_WINDOWS_LUA });
  }

  async record(s: WindowSubject, settings: RadarSettings, now = Date.now()): Promise<WindowCounts> {
    const failure = s.countsAsFailure === false ? null : s.attemptId;
    // Without an IP address only the account's failures can be counted.
    if (!s.ipAddress) return s.action === 'sign-in' ? this.slide([['failuresForAccount', key(s.environmentId, 'fail:acct', s.email), failure, settings.brute_force_attack.window_seconds * 1000]], now) : { ...NO_COUNTS };
    const windows: Window[] = [['attemptsFromIpLastMinute', key(s.environmentId, 'ip1m', s.ipAddress), s.attemptId, 60_000]];
    if (s.action === 'sign-in') {
      const bf = settings.brute_force_attack.window_seconds * 1000;
      const cs = settings.credential_stuffing.window_seconds * 1000;
      windows.push(
        ['failuresForAccount', key(s.environmentId, 'fail:acct', s.email), failure, bf],
        ['failuresFromIp', key(s.environmentId, 'fail:ip', s.ipAddress), failure, bf],
        ['failuresFromSubnet', key(s.environmentId, 'fail:net', subnetOf(s.ipAddress)), failure, bf],
        // Distinct accounts: the member is the account, so repeats of one account count once.
        ['accountsFromIp', key(s.environmentId, 'accts:ip', s.ipAddress), digest(s.email), cs],
      );
      if (s.asn !== undefined) windows.push(['accountsFromAsn', key(s.environmentId, 'accts:asn', String(s.asn)), digest(s.email), cs]);
    } else {
      windows.push(['signUpsFromIp', key(s.environmentId, 'signup:ip', s.ipAddress), s.attemptId, settings.repeat_sign_up.window_seconds * 1000]);
    }
    return this.slide(windows, now);
  }

  /**
   * One script call (atomic, as a MULTI is): each window gets its member, drops what slid out,
   * and is counted. A null member (an attempt whose failure its caller reports) is counted
   * without being stored. One command instead of a MULTI of up to 26 (the client builds a
   * command object and a promise for each).
   */
  private async slide(windows: Window[], now: number): Promise<WindowCounts> {
    const args: string[] = [String(now)];
    for (const [, , member, ms] of windows) args.push(member ?? '', `(${now - ms}`, String(ms));
    const replies = await (this.redis as Redis & WithSlideScript).radarSlideWindows(windows.length, ...windows.map((w) => w[1]), ...args);
    const counts: WindowCounts = { ...NO_COUNTS };
    windows.forEach(([name, , member], i) => {
      counts[name] = Number(replies[i] ?? 0) + (member === null ? 1 : 0);
    });
    return counts;
  }

  /**
   * A failed sign-in its caller reports by event (identity's wrong passwords and magic codes,
   * assessed with `countsAsFailure: false` or not at all): it joins the account, IP and network
   * failure windows. Idempotent by construction: the member is the
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
