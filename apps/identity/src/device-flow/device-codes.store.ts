import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { randomToken, REDIS, sha256Hex, type Redis } from '@wos/platform';
import type { AuthenticationMethod } from '../authenticate/authenticate.grants';
import type { SsoSignIn } from '../authenticate/sso-sign-in';
import { userCodeFrom } from './device-flow.dto';

/** Who approved a device on the verification page: the sign-in the device's tokens are for. */
export interface DeviceApproval {
  userId: string;
  organizationId: string | null;
  method: AuthenticationMethod;
  sso: SsoSignIn | null;
}

export interface DeviceAuthorization {
  environmentId: string;
  clientId: string;
  userCode: string;
  status: 'pending' | 'approved' | 'denied';
  /** Seconds between polls; slow_down adds 5 (RFC 8628 §3.5). */
  interval: number;
  lastPollAt: number | null;
  expiresAt: number;
  approval?: DeviceApproval;
}

export type PollResult =
  | { kind: 'unknown' }
  | { kind: 'expired' }
  | { kind: 'slow_down' }
  | { kind: 'pending' }
  | { kind: 'denied' }
  | { kind: 'approved'; approval: DeviceApproval };

/* How long an expired code still answers expired_token rather than invalid_grant. */
const EXPIRED_GRACE_SECONDS = 600;

/*
 * One poll, atomically: a decided authorization is answered once and deleted (so a device code
 * yields tokens at most once); a pending one records the poll, and a poll sooner than the interval
 * raises the interval by 5 s (slow_down). Timestamps are milliseconds (cjson keeps 14 digits).
 */
const POLL = `
local raw = redis.call('GET', KEYS[1])
if not raw then return {'unknown'} end
local d = cjson.decode(raw)
if d.status ~= 'pending' then redis.call('DEL', KEYS[1]); return {d.status, raw} end
local now = tonumber(ARGV[1])
if now >= d.expiresAt then return {'expired'} end
local slow = d.lastPollAt ~= nil and d.lastPollAt ~= cjson.null and now - d.lastPollAt < d.interval * 1000
if slow then d.interval = d.interval + 5 end
d.lastPollAt = now
redis.call('SET', KEYS[1], cjson.encode(d), 'KEEPTTL')
if slow then return {'slow_down'} end
return {'pending'}`;

/* Decides a pending, unexpired authorization once: 1, else 0 (already decided, expired, gone). */
const DECIDE = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local d = cjson.decode(raw)
if d.status ~= 'pending' or tonumber(ARGV[1]) >= d.expiresAt then return 0 end
d.status = ARGV[2]
if ARGV[3] ~= '' then d.approval = cjson.decode(ARGV[3]) end
redis.call('SET', KEYS[1], cjson.encode(d), 'KEEPTTL')
redis.call('DEL', KEYS[2])
return 1`;

/**
 * Device authorizations in Redis (RFC 8628). Invariants: a device code is 256 random bits and
 * only its SHA-256 is a key; a user code names at most one live authorization per environment
 * and is forgotten once decided; both keys carry the environment, so no other environment can
 * read, decide or poll them; an authorization is decided once and redeemed once.
 */
@Injectable()
export class DeviceCodesStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async create(environmentId: string, clientId: string, ttlSeconds: number, interval: number): Promise<{ deviceCode: string; userCode: string }> {
    const deviceCode = randomToken(32);
    const d: DeviceAuthorization = { environmentId, clientId, userCode: '', status: 'pending', interval, lastPollAt: null, expiresAt: Date.now() + ttlSeconds * 1000 };
    // A user code is short: draw again in the rare case it is live in this environment already.
    for (let attempt = 0; attempt < 5; attempt++) {
      const userCode = userCodeFrom(randomBytes(32));
      const claimed = await this.redis.set(userKey(environmentId, userCode), sha256Hex(deviceCode), 'EX', ttlSeconds, 'NX');
      if (claimed !== 'OK') continue;
      await this.redis.set(deviceKey(environmentId, deviceCode), JSON.stringify({ ...d, userCode }), 'EX', ttlSeconds + EXPIRED_GRACE_SECONDS);
      return { deviceCode, userCode };
    }
    throw new Error('could not draw a free user code');
  }

  /** The live, pending authorization a typed user code names in this environment, with its key. */
  async findByUserCode(environmentId: string, userCode: string): Promise<{ hash: string; authorization: DeviceAuthorization } | null> {
    const hash = await this.redis.get(userKey(environmentId, userCode));
    if (!hash) return null;
    const raw = await this.redis.get(deviceKeyOfHash(environmentId, hash));
    const d = raw ? (JSON.parse(raw) as DeviceAuthorization) : null;
    return d && d.status === 'pending' && d.expiresAt > Date.now() ? { hash, authorization: d } : null;
  }

  async peek(environmentId: string, deviceCode: string): Promise<DeviceAuthorization | null> {
    const raw = await this.redis.get(deviceKey(environmentId, deviceCode));
    return raw ? (JSON.parse(raw) as DeviceAuthorization) : null;
  }

  async poll(environmentId: string, deviceCode: string): Promise<PollResult> {
    const [kind, raw] = (await this.redis.eval(POLL, 1, deviceKey(environmentId, deviceCode), String(Date.now()))) as [string, string?];
    if (kind === 'approved') return { kind, approval: (JSON.parse(raw!) as DeviceAuthorization).approval! };
    return { kind } as PollResult;
  }

  /** Approves (binding the user) or denies a pending authorization; false when it was not pending any more. */
  async decide(environmentId: string, hash: string, userCode: string, decision: { approve: DeviceApproval } | 'deny'): Promise<boolean> {
    const approval = decision === 'deny' ? '' : JSON.stringify(decision.approve);
    const status = decision === 'deny' ? 'denied' : 'approved';
    return (await this.redis.eval(DECIDE, 2, deviceKeyOfHash(environmentId, hash), userKey(environmentId, userCode), String(Date.now()), status, approval)) === 1;
  }
}

const deviceKeyOfHash = (environmentId: string, hash: string) => `identity:device:${environmentId}:${hash}`;
const deviceKey = (environmentId: string, deviceCode: string) => deviceKeyOfHash(environmentId, sha256Hex(deviceCode));
const userKey = (environmentId: string, userCode: string) => `identity:device-user:${environmentId}:${sha256Hex(userCode)}`;
