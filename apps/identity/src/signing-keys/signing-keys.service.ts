import { createPrivateKey, createPublicKey, generateKeyPair, sign as signAsync, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { Inject, Injectable } from '@nestjs/common';
import { newUlid, SecretBox } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import type { SigningKey } from '../generated/prisma/client';
import { SigningKeysRepository } from './signing-keys.repository';
import { certificateMembers } from './key-certificate';

const generateRsa = promisify(generateKeyPair);
/** RSA signing runs on libuv's thread pool, so signatures use every core and never block the event loop. */
const rsaSign = promisify(signAsync) as (alg: string, data: Buffer, key: KeyObject) => Promise<Buffer>;

export interface PublicJwk {
  kty: 'RSA';
  alg: 'RS256';
  use: 'sig';
  kid: string;
  n: string;
  e: string;
  /** A self-signed certificate of this key (key-certificate.ts) and its SHA-256 thumbprint. */
  x5c: string[];
  'x5t#S256': string;
}

interface ActiveKey {
  kid: string;
  key: KeyObject;
  createdAt: Date;
}

/** How long a process trusts its cached view of an environment's keys. */
const CACHE_MS = 60_000;

/**
 * RS256 signing keys, one active per environment, created on first use. Private keys are stored
 * sealed with SecretBox (AAD = kid); each published key carries a self-signed certificate
 * (`x5c`, `x5t#S256`) made with it. Rotation: a key older than SIGNING_KEY_ROTATION_DAYS is
 * superseded by a new one; the old key stays in the JWKS until every token it signed has expired
 * (access-token TTL plus the JWKS cache time of clients), so verification never breaks.
 */
@Injectable()
export class SigningKeysService {
  private readonly active = new Map<string, { value: Promise<ActiveKey>; until: number }>();
  private readonly jwksCache = new Map<string, { value: PublicJwk[]; until: number }>();

  constructor(
    private readonly repo: SigningKeysRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly box: SecretBox,
  ) {}

  /** A compact RS256 JWS over `payload`, with the active key's `kid`. */
  async sign(environmentId: string, payload: Record<string, unknown>): Promise<string> {
    const key = await this.activeKey(environmentId);
    const header = b64json({ alg: 'RS256', typ: 'JWT', kid: key.kid });
    const body = `${header}.${b64json(payload)}`;
    const signature = (await rsaSign('sha256', Buffer.from(body), key.key)).toString('base64url');
    return `${body}.${signature}`;
  }

  /** The environment's published public keys (active first), creating the first key if needed. */
  async jwks(environmentId: string): Promise<PublicJwk[]> {
    const cached = this.jwksCache.get(environmentId);
    if (cached && cached.until > Date.now()) return cached.value;
    await this.activeKey(environmentId);
    const keys = await Promise.all((await this.repo.published(environmentId, new Date())).map((k) => this.withCertificate(k)));
    this.jwksCache.set(environmentId, { value: keys, until: Date.now() + CACHE_MS });
    return keys;
  }

  /**
   * The published keys with their private halves, active first, for the Connect authorization
   * server (oidc-provider signs with the first). Never leaves the process.
   */
  async privateJwks(environmentId: string): Promise<Record<string, unknown>[]> {
    await this.activeKey(environmentId);
    const rows = await this.repo.published(environmentId, new Date());
    const active = rows.filter((r) => !r.supersededAt).concat(rows.filter((r) => r.supersededAt));
    return active.map((r) => ({
      ...(createPrivateKey(this.box.openString(r.privateKey, r.kid)).export({ format: 'jwk' }) as Record<string, unknown>),
      kid: r.kid,
      alg: 'RS256',
      use: 'sig',
    }));
  }

  /** Replaces the active key now (scheduled rotation or an operator's decision); returns the new kid. */
  async rotate(environmentId: string): Promise<string> {
    const kid = await this.repo.withEnvironmentLock(environmentId, async (tx) => {
      const current = await this.repo.activeInTx(tx, environmentId);
      const created = await this.newKey(environmentId);
      const now = new Date();
      if (current) await this.repo.supersede(tx, environmentId, current.kid, now, new Date(now.getTime() + this.overlapMs()));
      await this.repo.insert(tx, created.row);
      return created.row.kid as string;
    });
    this.active.delete(environmentId);
    this.jwksCache.delete(environmentId);
    return kid;
  }

  private activeKey(environmentId: string): Promise<ActiveKey> {
    const cached = this.active.get(environmentId);
    if (cached && cached.until > Date.now()) return cached.value;
    const value = this.loadOrCreate(environmentId);
    this.active.set(environmentId, { value, until: Date.now() + CACHE_MS });
    value.catch(() => this.active.delete(environmentId));
    return value;
  }

  private async loadOrCreate(environmentId: string): Promise<ActiveKey> {
    const row = await this.repo.withEnvironmentLock(environmentId, async (tx) => {
      const current = await this.repo.activeInTx(tx, environmentId);
      const maxAgeMs = this.config.SIGNING_KEY_ROTATION_DAYS * 86_400_000;
      if (current && Date.now() - current.createdAt.getTime() < maxAgeMs) return current;
      const created = await this.newKey(environmentId);
      const now = new Date();
      if (current) await this.repo.supersede(tx, environmentId, current.kid, now, new Date(now.getTime() + this.overlapMs()));
      await this.repo.insert(tx, created.row);
      this.jwksCache.delete(environmentId);
      return created.row as SigningKey;
    });
    return { kid: row.kid, key: createPrivateKey(this.box.openString(row.privateKey, row.kid)), createdAt: row.createdAt };
  }

  /** Keys made before JWKS carried certificates get theirs once, from their own private key. */
  private async withCertificate(row: SigningKey): Promise<PublicJwk> {
    const jwk = row.publicJwk as unknown as PublicJwk;
    if (jwk.x5c) return jwk;
    const privateKey = createPrivateKey(this.box.openString(row.privateKey, row.kid));
    const full: PublicJwk = { ...jwk, ...(await certificateMembers(row.kid, privateKey, createPublicKey(privateKey), row.createdAt)) };
    await this.repo.setPublicJwk(row.environmentId, row.kid, full as unknown as object);
    return full;
  }

  /** Tokens signed by a superseded key live at most one access- or widget-token TTL; clients cache JWKS ~5 minutes. */
  private overlapMs(): number {
    return (Math.max(this.config.ACCESS_TOKEN_TTL_SECONDS, this.config.WIDGET_TOKEN_TTL_SECONDS) + 15 * 60) * 1000;
  }

  private async newKey(environmentId: string) {
    const kid = `sso_oidc_key_pair_${newUlid()}`;
    const { publicKey, privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
    const createdAt = new Date();
    const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    const publicJwk: PublicJwk = { kty: 'RSA', alg: 'RS256', use: 'sig', kid, n: jwk.n, e: jwk.e, ...(await certificateMembers(kid, privateKey, publicKey, createdAt)) };
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    return {
      row: { kid, environmentId, publicJwk: publicJwk as unknown as object, privateKey: this.box.seal(pem, kid), createdAt },
    };
  }
}

function b64json(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}
