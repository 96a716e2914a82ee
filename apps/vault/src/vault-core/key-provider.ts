import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The port behind which root keys live. A KEK is stored only wrapped by a provider; the provider
 * never hands out its root key. Adapters: `LocalKeyProvider` (root keys from configuration or a
 * file: development, single-tenant installs, and imported BYOK material) and
 * `Pkcs11KeyProvider` (src/infra: keys inside an HSM token, wrapping done by the token).
 * `keyRef` is whatever the adapter needs to find its key again (a kid, a token key label).
 */
export interface KeyProvider {
  /** Stored with every wrapped key: which adapter opens it again. */
  readonly name: string;
  /** Wraps under `keyRef`, or under the provider's current root key when none is named. */
  wrap(key: Buffer, aad: Buffer, keyRef?: string): Promise<{ keyRef: string; wrapped: Buffer }>;
  unwrap(keyRef: string, wrapped: Buffer, aad: Buffer): Promise<Buffer>;
}

export class KeyProviderError extends Error {
  override name = 'KeyProviderError';
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Root keys from `VAULT_ROOT_KEYS` (`<kid>:<base64 32 bytes>[,…]`): the first wraps, every listed
 * key unwraps, so a root key is rotated by putting a new one first and keeping the old one until
 * every KEK version was re-wrapped. Wrapped form: iv (12) ‖ AES-256-GCM ciphertext ‖ tag (16).
 */
export class LocalKeyProvider implements KeyProvider {
  readonly name = 'local';
  private readonly current: [string, Buffer];

  constructor(private readonly keys: ReadonlyMap<string, Buffer>) {
    const first = keys.entries().next();
    if (first.done) throw new KeyProviderError('no root key configured');
    this.current = first.value;
  }

  /** One imported key under its own reference (a BYOK key's material). */
  static single(keyRef: string, key: Buffer): LocalKeyProvider {
    if (key.length !== 32) throw new KeyProviderError('a root key must be 32 bytes');
    return new LocalKeyProvider(new Map([[keyRef, key]]));
  }

  async wrap(key: Buffer, aad: Buffer, keyRef?: string): Promise<{ keyRef: string; wrapped: Buffer }> {
    const [kid, root] = keyRef === undefined ? this.current : [keyRef, this.keys.get(keyRef)];
    if (!root) throw new KeyProviderError(`root key "${keyRef}" is not configured`);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', root, iv);
    cipher.setAAD(aad);
    return { keyRef: kid, wrapped: Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]) };
  }

  async unwrap(keyRef: string, wrapped: Buffer, aad: Buffer): Promise<Buffer> {
    const root = this.keys.get(keyRef);
    if (!root) throw new KeyProviderError(`root key "${keyRef}" is not configured`);
    if (wrapped.length < IV_BYTES + TAG_BYTES) throw new KeyProviderError('malformed wrapped key');
    const decipher = createDecipheriv('aes-256-gcm', root, wrapped.subarray(0, IV_BYTES));
    decipher.setAAD(aad);
    decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new KeyProviderError(`root key "${keyRef}" could not unwrap the key (wrong key, or tampered)`);
    }
  }
}
