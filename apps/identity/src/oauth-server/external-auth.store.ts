import { Inject, Injectable } from '@nestjs/common';
import { randomToken, sha256Hex, REDIS, type Redis } from '@wos/platform';

export interface ExternalAuth {
  environmentId: string;
  envClientId: string;
  uid: string;
  /** Set by completeOAuth2: the AuthKit user the custom login page vouched for. */
  userId?: string;
}

const TTL_SECONDS = 600;
const ID = /^ext_auth_[A-Za-z0-9_-]{43}$/;
const key = (id: string) => `identity:connect:ext_auth:${sha256Hex(id)}`;

/**
 * Standalone Connect: a pending authorization handed to the customer's own login page as
 * `external_auth_id`. Stored under its SHA-256 for 10 minutes; finished at most once (GETDEL).
 */
@Injectable()
export class ExternalAuthStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async begin(auth: Omit<ExternalAuth, 'userId'>): Promise<string> {
    const id = `ext_auth_${randomToken(32)}`;
    await this.redis.set(key(id), JSON.stringify(auth), 'EX', TTL_SECONDS);
    return id;
  }

  async find(id: string): Promise<ExternalAuth | null> {
    if (!ID.test(id)) return null;
    const raw = await this.redis.get(key(id));
    return raw ? (JSON.parse(raw) as ExternalAuth) : null;
  }

  /** Records the user; false when the pending authorization is gone or was completed already. */
  async complete(id: string, auth: ExternalAuth, userId: string): Promise<boolean> {
    const done = await this.redis.set(key(id), JSON.stringify({ ...auth, userId }), 'KEEPTTL', 'XX');
    return done === 'OK';
  }

  /** Spends a completed authorization (the browser's return); null unless completed. */
  async take(id: string): Promise<ExternalAuth | null> {
    if (!ID.test(id)) return null;
    const raw = await this.redis.getdel(key(id));
    const auth = raw ? (JSON.parse(raw) as ExternalAuth) : null;
    return auth?.userId ? auth : null;
  }
}
