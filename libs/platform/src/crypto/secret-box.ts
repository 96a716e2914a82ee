import { createCipheriv, createDecipheriv, createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * `SECRET_ENCRYPTION_KEYS`: one or more key-encryption keys, comma separated, each `<kid>:<base64 of
 * 32 bytes>`. The first key seals; every listed key opens, so a key is rotated by putting the new one
 * first and dropping the old one only after every sealed value was re-sealed.
 */
export const secretsConfigSchema = z.object({
  SECRET_ENCRYPTION_KEYS: z
    .string()
    .min(1, 'is required: "<kid>:<base64 32 bytes>[,…]" (setup generates a development key)')
    .superRefine((value, ctx) => {
      try {
        parseSecretEncryptionKeys(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
});

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for secrets a service must read back (webhook secrets, IdP keys, OAuth client
 * secrets, TOTP seeds). A sealed value is `v1.<kid>.<iv>.<ciphertext+tag>` (base64url parts).
 * Invariant: the caller's `context` (for example the row id) is the GCM additional data, so a sealed
 * value copied into another row, environment or column fails to open instead of decrypting.
 */
export class SecretBox {
  private constructor(
    private readonly current: { kid: string; key: Buffer },
    private readonly keys: ReadonlyMap<string, Buffer>,
  ) {}

  static fromConfig(value: string): SecretBox {
    const keys = parseSecretEncryptionKeys(value);
    const [kid, key] = keys.entries().next().value as [string, Buffer];
    return new SecretBox({ kid, key }, keys);
  }

  /** A fresh configuration value with one random key, for setup and tests. */
  static generateKeys(kid = 'k1'): string {
    return `${kid}:${randomBytes(32).toString('base64')}`;
  }

  seal(plaintext: string | Buffer, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.current.kid, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Throws `SecretBoxError` for a value that was tampered with, sealed for another context, or under an unknown key. */
  open(sealed: string, context: string): Buffer {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretBoxError('not a sealed value');
    const key = this.keys.get(parts[1]);
    if (!key) throw new SecretBoxError(`unknown key id ${parts[1]}`);
    const iv = Buffer.from(parts[2], 'base64url');
    const body = Buffer.from(parts[3], 'base64url');
    if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new SecretBoxError('malformed sealed value');
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new SecretBoxError('authentication failed (wrong key or context, or tampered)');
    }
  }

  openString(sealed: string, context: string): string {
    return this.open(sealed, context).toString('utf8');
  }

  /**
   * A keyed fingerprint of a high-entropy secret, for lookups by value (customers' API keys):
   * `<kid>.<hex HMAC-SHA256>` under a subkey of the sealing key derived for `purpose`. A database
   * dump alone cannot test a guessed value against it. Deterministic, so it can be indexed.
   */
  fingerprint(value: string, purpose: string): string {
    return fingerprintUnder(this.current.kid, this.keys.get(this.current.kid)!, value, purpose);
  }

  /**
   * The value's fingerprint under every configured key, the sealing key first (it is the first
   * listed): a lookup matches
   * rows written before a rotation as long as their key is still listed (decrypt-only).
   */
  fingerprints(value: string, purpose: string): string[] {
    return [...this.keys].map(([kid, key]) => fingerprintUnder(kid, key, value, purpose));
  }

  /** The key id `seal` writes (the first configured key); values under any other id are stale. */
  get sealingKeyId(): string {
    return this.current.kid;
  }

  /** True when the value was sealed under an older key and should be re-sealed. */
  needsReseal(sealed: string): boolean {
    return sealed.split('.')[1] !== this.current.kid;
  }
}

const subkeys = new WeakMap<Buffer, Map<string, Buffer>>();

function fingerprintUnder(kid: string, key: Buffer, value: string, purpose: string): string {
  let perKey = subkeys.get(key);
  if (!perKey) subkeys.set(key, (perKey = new Map()));
  let subkey = perKey.get(purpose);
  if (!subkey) perKey.set(purpose, (subkey = createHmac('sha256', key).update(`wos/fingerprint/v1/${purpose}`).digest()));
  return `${kid}.${createHmac('sha256', subkey).update(value, 'utf8').digest('hex')}`;
}

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

export function parseSecretEncryptionKeys(value: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const sep = entry.indexOf(':');
    if (sep <= 0) throw new Error('each key must be "<kid>:<base64>"');
    const kid = entry.slice(0, sep);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(kid)) throw new Error(`key id "${kid}" must be 1-32 of [A-Za-z0-9_-]`);
    const key = Buffer.from(entry.slice(sep + 1), 'base64');
    if (key.length !== 32) throw new Error(`key "${kid}" must be 32 bytes (base64), got ${key.length}`);
    if (keys.has(kid)) throw new Error(`key id "${kid}" appears twice`);
    keys.set(kid, key);
  }
  if (keys.size === 0) throw new Error('no key given');
  return keys;
}

/**
 * Hex SHA-256, for tokens stored hashed (API keys, SCIM tokens, refresh tokens, codes) and the
 * request-body digests of internal auth. One-shot (`hash`): no stream object per call.
 */
export function sha256Hex(value: string | Buffer): string {
  return hash('sha256', value);
}

/** Constant-time string equality; differing lengths return false without an early exit on content. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** A random base64url token of `bytes` bytes of CSPRNG output. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
