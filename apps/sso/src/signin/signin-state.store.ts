import { Inject, Injectable } from '@nestjs/common';
import { randomToken, sha256Hex, REDIS, type Redis } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import type { ProfileWire } from '../profiles/profile-normaliser';

/** A sign-in between /sso/authorize and the IdP's answer. */
export interface PendingSignIn {
  environmentId: string;
  clientId: string;
  connectionId: string;
  redirectUri: string;
  state?: string;
  codeChallenge?: string;
  /** SAML: the AuthnRequest ID the response must answer. */
  samlRequestId?: string;
  /** OIDC/OAuth: our own PKCE verifier and nonce towards the IdP. */
  upstreamVerifier?: string;
  nonce?: string;
  /**
   * The Admin Portal's connection self-test (set only for the portal's own signed call, see
   * PORTAL_TEST_CLIENT_ID): a refused answer goes back to the portal as `error=<reason>` with no code.
   */
  selfTest?: boolean;
}

/** What a one-time code stands for until /sso/token redeems it. */
export interface IssuedCode {
  environmentId: string;
  clientId?: string;
  redirectUri: string;
  codeChallenge?: string;
  profile: ProfileWire;
  oauthTokens?: OAuthTokensWire;
}

export interface OAuthTokensWire {
  access_token: string;
  refresh_token?: string;
  expires_at?: number;
  scopes: string[];
}

export interface ProfileToken {
  environmentId: string;
  profile: ProfileWire;
}

const USED = 'used';

/*
 * Spends a code only if it still holds exactly what the caller checked: a concurrent
 * redemption (or anything else that changed it) makes this a no-op. 1 = spent, 0 = not.
 */
const SPEND_IF_UNCHANGED = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') return 1 end return 0`;

/**
 * Short-lived sign-in state in Redis. Invariants: codes and tokens are stored under their
 * SHA-256 only; a pending sign-in and a code are each redeemed at most once (GETDEL, or a
 * compare-and-set that leaves a "used" mark so reuse is told apart from an unknown code); a
 * code is read, checked by the caller, and only then spent, so a caller who cannot redeem it
 * cannot burn it either; a SAML assertion ID is remembered until its latest validity bound.
 */
@Injectable()
export class SignInStateStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async savePending(p: PendingSignIn): Promise<string> {
    const id = randomToken(24);
    const ttl = this.config.SSO_AUTH_STATE_TTL_SECONDS;
    const multi = this.redis.multi().set(`sso:pending:${id}`, JSON.stringify(p), 'EX', ttl);
    if (p.samlRequestId) multi.set(`sso:samlreq:${p.samlRequestId}`, id, 'EX', ttl);
    await multi.exec();
    return id;
  }

  async takePending(id: string): Promise<PendingSignIn | undefined> {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) return undefined;
    const raw = await this.redis.getdel(`sso:pending:${id}`);
    return raw ? (JSON.parse(raw) as PendingSignIn) : undefined;
  }

  /** The pending sign-in an AuthnRequest ID belongs to, consumed. */
  async takePendingBySamlRequest(requestId: string): Promise<PendingSignIn | undefined> {
    const id = await this.redis.getdel(`sso:samlreq:${requestId}`);
    return id ? this.takePending(id) : undefined;
  }

  /** False when this assertion ID was already used on this connection (a replay). Kept until `untilMs` plus the skew. */
  async markAssertionUsed(connectionId: string, assertionId: string, untilMs: number): Promise<boolean> {
    const ttlMs = Math.max(untilMs + this.config.SSO_CLOCK_SKEW_SECONDS * 1000 - Date.now(), 1000);
    const ok = await this.redis.set(`sso:assertion:${connectionId}:${sha256Hex(assertionId)}`, '1', 'PX', ttlMs, 'NX');
    return ok === 'OK';
  }

  async issueCode(c: IssuedCode): Promise<string> {
    const code = randomToken(32);
    await this.redis.set(`sso:code:${sha256Hex(code)}`, JSON.stringify(c), 'EX', this.config.SSO_CODE_TTL_SECONDS);
    return code;
  }

  /**
   * Reads a code without spending it: `reused` when it was redeemed before, undefined when
   * unknown or expired. `spend` then redeems it, once, if it is still unspent.
   */
  async peekCode(code: string): Promise<{ issued: IssuedCode; spend: () => Promise<boolean> } | 'reused' | undefined> {
    const key = `sso:code:${sha256Hex(code)}`;
    const raw = await this.redis.get(key);
    if (raw === null) return undefined;
    if (raw === USED) return 'reused';
    const spend = async () => (await this.redis.eval(SPEND_IF_UNCHANGED, 1, key, raw, USED)) === 1;
    return { issued: JSON.parse(raw) as IssuedCode, spend };
  }

  async issueProfileToken(t: ProfileToken): Promise<{ token: string; expiresIn: number }> {
    const token = randomToken(32);
    const expiresIn = this.config.SSO_PROFILE_TOKEN_TTL_SECONDS;
    await this.redis.set(`sso:token:${sha256Hex(token)}`, JSON.stringify(t), 'EX', expiresIn);
    return { token, expiresIn };
  }

  async readProfileToken(token: string): Promise<ProfileToken | undefined> {
    const raw = await this.redis.get(`sso:token:${sha256Hex(token)}`);
    return raw ? (JSON.parse(raw) as ProfileToken) : undefined;
  }
}
