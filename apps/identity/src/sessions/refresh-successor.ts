import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/*
 * The successor of a spent refresh token is kept sealed under a key derived from the spent token
 * itself (HKDF-SHA256, a derivation unrelated to the SHA-256 lookup hash). Invariant: only whoever
 * presents the spent token can read its successor back; the database, even with the service's
 * SecretBox keys, holds nothing that yields a usable refresh token.
 */
const INFO = 'wos refresh-token successor v1';

function keyOf(presentedToken: string): Buffer {
  return Buffer.from(hkdfSync('sha256', presentedToken, Buffer.alloc(0), INFO, 32));
}

/** base64url(iv ‖ tag ‖ ciphertext); `aad` binds it to the spent token's row. */
export function sealSuccessor(presentedToken: string, successor: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(presentedToken), iv).setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The successor, or null when `sealed` was not sealed for this token and row. */
export function openSuccessor(presentedToken: string, sealed: string, aad: string): string | null {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < 29) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(presentedToken), raw.subarray(0, 12)).setAAD(Buffer.from(aad));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
