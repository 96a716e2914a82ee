import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INTERNAL_HEADERS, signInternalContext, verifyInternalContext } from './internal-auth';

const secret = 'a-secret-of-enough-length';

describe('internal environment context', () => {
  test('a signed context verifies to its environment', () => {
    assert.equal(verifyInternalContext(secret, signInternalContext(secret, 'environment_A')), 'environment_A');
  });
  test('changing the environment breaks the signature', () => {
    const h = signInternalContext(secret, 'environment_A');
    h[INTERNAL_HEADERS.environmentId] = 'environment_B';
    assert.equal(verifyInternalContext(secret, h), undefined);
  });
  test('another secret does not verify', () => {
    assert.equal(verifyInternalContext('another-secret-entirely', signInternalContext(secret, 'environment_A')), undefined);
  });
  test('a stale timestamp is refused', () => {
    const h = signInternalContext(secret, 'environment_A', Date.now() - 10 * 60_000);
    assert.equal(verifyInternalContext(secret, h), undefined);
  });
  test('missing or malformed headers are refused', () => {
    assert.equal(verifyInternalContext(secret, {}), undefined);
    const h = signInternalContext(secret, 'environment_A');
    h[INTERNAL_HEADERS.signature] = 'zz';
    assert.equal(verifyInternalContext(secret, h), undefined);
  });
});
