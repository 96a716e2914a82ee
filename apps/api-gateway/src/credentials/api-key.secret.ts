import { randomBytes } from 'node:crypto';
import { sha256Hex } from '@wos/platform';

export type EnvironmentKind = 'test' | 'live';
export const ENVIRONMENT_KINDS: readonly EnvironmentKind[] = ['test', 'live'];

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/* 43 base62 characters carry 43 * log2(62) ≈ 256 bits. */
const SECRET_LENGTH = 43;
const KEY_SHAPE = /^sk_(test|live)_[0-9A-Za-z]{20,100}$/;

/** A new `sk_<kind>_<base62>` key. It is shown once and never stored; only its hash is. */
export function generateApiKey(kind: EnvironmentKind): string {
  let secret = '';
  while (secret.length < SECRET_LENGTH) {
    for (const byte of randomBytes(64)) {
      // Rejection sampling keeps every character equally likely (248 = 4 * 62).
      if (byte < 248 && secret.length < SECRET_LENGTH) secret += BASE62[byte % 62];
    }
  }
  return `sk_${kind}_${secret}`;
}

/**
 * sha256 hex of the whole key. Invariant: keys are 256-bit random values, so a fast unsalted
 * hash cannot be brute-forced or looked up in a dictionary; a slow KDF (argon2, bcrypt) would
 * only add milliseconds to every cache miss on the hot path without adding security.
 */
export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

/** True when the string could be one of our keys; anything else is refused without a lookup. */
export function hasApiKeyShape(key: string): boolean {
  return KEY_SHAPE.test(key);
}

/** `sk_test_…abcd`: enough to recognise a key, useless to an attacker. */
export function obfuscateApiKey(kind: EnvironmentKind, last4: string): string {
  return `sk_${kind}_…${last4}`;
}
