import { Inject, Injectable } from '@nestjs/common';
import { randomToken, sha256Hex, REDIS, type Redis } from '@wos/platform';
import type { AuthenticationMethod } from '../authenticate/authenticate.grants';
import type { SsoSignIn } from '../authenticate/sso-sign-in';

/** What an authorization code stands for until it is exchanged at /user_management/authenticate. */
export interface AuthorizationCodeGrant {
  environmentId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  /** base64url(SHA-256(code_verifier)) when the client used PKCE. */
  codeChallenge: string | null;
  organizationId: string | null;
  method: AuthenticationMethod;
  /** Set for sign-ins through SSO (sso-handoff.service.ts); absent for the password form. */
  sso?: SsoSignIn | null;
  /**
   * True when the hosted pages ran every gate, MFA included, before issuing the code: the
   * exchange then skips the MFA step (it already passed) but still checks the membership.
   */
  gatesPassed?: boolean;
  /** The hosted pages' device cookie of the browser that signed in (radar's device at the exchange). */
  deviceId?: string;
  /**
   * The radar attempt that assessed the sign-in in the hosted pages (the flow answered its verdict
   * there): the exchange does not assess it again. Absent: radar assesses at the exchange.
   */
  radarAttemptId?: string | null;
}

/* OAuth 2.0 §4.1.2 recommends at most 10 minutes. */
const CODE_TTL_SECONDS = 600;

/**
 * Authorization codes live in Redis under the SHA-256 of the code, so a Redis dump holds no
 * usable code. Invariant: a code is spent with DEL (1 for exactly one caller), so it is exchanged
 * at most once even when two exchanges race; it is spent only after its bindings were checked.
 */
@Injectable()
export class AuthorizationCodesStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async issue(grant: AuthorizationCodeGrant): Promise<string> {
    const code = randomToken(32);
    await this.redis.set(key(code), JSON.stringify(grant), 'EX', CODE_TTL_SECONDS);
    return code;
  }

  /** Reads a code without spending it, so its bindings are checked before anyone can burn it. */
  async peek(code: string): Promise<AuthorizationCodeGrant | null> {
    if (!CODE.test(code)) return null;
    const raw = await this.redis.get(key(code));
    return raw ? (JSON.parse(raw) as AuthorizationCodeGrant) : null;
  }

  /** Spends a code; true for exactly one caller. A code's value never changes, so what `peek` saw is what is spent. */
  async consume(code: string): Promise<boolean> {
    return CODE.test(code) && (await this.redis.del(key(code))) === 1;
  }
}

const CODE = /^[A-Za-z0-9_-]{20,100}$/;
const key = (code: string) => `identity:authcode:${sha256Hex(code)}`;
