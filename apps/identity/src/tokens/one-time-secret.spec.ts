import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSecret, expiresAfter, hashCode, hashToken, isCodeShaped, MAX_FAILED_ATTEMPTS, newCode, newLinkToken } from './one-time-secret';

describe('one-time secrets', () => {
  test('codes are 6 digits, spread over the whole range', () => {
    const codes = Array.from({ length: 2000 }, newCode);
    for (const c of codes) assert.match(c, /^[0-9]{6}$/);
    assert.ok(new Set(codes).size > 1990, 'codes repeat far more than chance');
    assert.ok(codes.some((c) => c.startsWith('0')), 'leading zeros are kept');
  });

  test('link tokens are 32 base64url characters and unique', () => {
    const tokens = Array.from({ length: 500 }, newLinkToken);
    for (const t of tokens) assert.match(t, /^[A-Za-z0-9_-]{32}$/);
    assert.equal(new Set(tokens).size, tokens.length);
  });

  test('a code hash is bound to its row id; token hashes are plain SHA-256 hex', () => {
    assert.notEqual(hashCode('magic_auth_A', '123456'), hashCode('magic_auth_B', '123456'));
    assert.equal(hashCode('magic_auth_A', '123456'), hashCode('magic_auth_A', '123456'));
    assert.match(hashToken('x'), /^[0-9a-f]{64}$/);
  });

  test('checkSecret: ok once, then consumed; expired; mismatch first; locked after too many failures', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const row = { secretHash: hashCode('r', '111111'), expiresAt: expiresAfter(600, now), consumedAt: null as Date | null, failedAttempts: 0 };
    assert.equal(checkSecret(row, hashCode('r', '111111'), now), 'ok');
    assert.equal(checkSecret(row, hashCode('r', '222222'), now), 'mismatch');
    assert.equal(checkSecret({ ...row, consumedAt: now }, hashCode('r', '111111'), now), 'consumed');
    assert.equal(checkSecret({ ...row, consumedAt: now }, hashCode('r', '222222'), now), 'mismatch');
    assert.equal(checkSecret(row, hashCode('r', '111111'), new Date(now.getTime() + 600_000)), 'expired');
    assert.equal(checkSecret(row, hashCode('r', '111111'), new Date(now.getTime() + 599_999)), 'ok');
    assert.equal(checkSecret({ ...row, failedAttempts: MAX_FAILED_ATTEMPTS }, hashCode('r', '111111'), now), 'locked');
  });

  test('only exactly six digits look like a code', () => {
    for (const bad of ['12345', '1234567', '12345a', ' 123456', 123456, null, undefined]) assert.equal(isCodeShaped(bad), false, String(bad));
    assert.equal(isCodeShaped('000000'), true);
  });
});
