import { randomInt } from 'node:crypto';
import { randomToken, safeEqual, sha256Hex } from '@wos/platform';

/*
 * Codes and tokens that prove control of an inbox (email verification and magic auth codes,
 * password reset and invitation tokens). Invariants:
 *  - only the SHA-256 of a secret is stored; the plaintext exists in the response or the email;
 *  - a code's hash is bound to its row id, so equal codes on two rows never share a hash and a
 *    hash copied onto another row does not verify;
 *  - a secret verifies at most once (`consumed_at`), never after `expires_at`, and a code dies
 *    after MAX_FAILED_ATTEMPTS wrong guesses, which keeps a 6-digit space out of brute-force reach.
 */

export const MAX_FAILED_ATTEMPTS = 5;

/** A 6-digit numeric code with a uniform distribution (leading zeros kept). */
export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** 24 random bytes, base64url (32 characters), for links and invitation tokens. */
export function newLinkToken(): string {
  return randomToken(24);
}

/** The stored form of a code: bound to its row id. */
export function hashCode(rowId: string, code: string): string {
  return sha256Hex(`${rowId}:${code}`);
}

/** The stored form of a token; tokens carry 192 bits, so a lookup index on the hash is safe. */
export function hashToken(token: string): string {
  return sha256Hex(token);
}

export function expiresAfter(seconds: number, now = new Date()): Date {
  return new Date(now.getTime() + seconds * 1000);
}

export interface StoredSecret {
  secretHash: string;
  expiresAt: Date;
  consumedAt: Date | null;
  failedAttempts?: number;
}

export type SecretCheck = 'ok' | 'mismatch' | 'expired' | 'consumed' | 'locked';

/**
 * Checks a presented code (or token) against its row. The comparison is constant time, and
 * a mismatch is reported before expiry or use, so a wrong guess learns nothing about the row.
 */
export function checkSecret(stored: StoredSecret, presentedHash: string, now = new Date()): SecretCheck {
  if ((stored.failedAttempts ?? 0) >= MAX_FAILED_ATTEMPTS) return 'locked';
  if (!safeEqual(stored.secretHash, presentedHash)) return 'mismatch';
  if (stored.consumedAt) return 'consumed';
  if (stored.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'ok';
}

/** Codes arrive as strings from the SDK; anything but exactly 6 digits can never match. */
export function isCodeShaped(code: unknown): code is string {
  return typeof code === 'string' && /^[0-9]{6}$/.test(code);
}
