import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INTERNAL_HEADERS, readInternalContext, signInternalContext, verifyInternalContext } from './internal-auth';

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

describe('internal context: auth kind and client ID', () => {
  const secret = 'a-secret-of-enough-length';
  test('round-trips the auth kind and client ID', () => {
    const h = signInternalContext(secret, 'environment_A', Date.now(), { authKind: 'public_client', clientId: 'client_1' });
    assert.deepEqual(readInternalContext(secret, h), { environmentId: 'environment_A', authKind: 'public_client', clientId: 'client_1' });
  });
  test('defaults to api_key without a client ID', () => {
    assert.deepEqual(readInternalContext(secret, signInternalContext(secret, 'environment_A')), { environmentId: 'environment_A', authKind: 'api_key' });
  });
  test('a swapped auth kind or client ID breaks the signature', () => {
    const h = signInternalContext(secret, 'environment_A', Date.now(), { authKind: 'public_client', clientId: 'client_1' });
    assert.equal(readInternalContext(secret, { ...h, [INTERNAL_HEADERS.authKind]: 'api_key' }), undefined);
    assert.equal(readInternalContext(secret, { ...h, [INTERNAL_HEADERS.clientId]: 'client_2' }), undefined);
    const { [INTERNAL_HEADERS.clientId]: _dropped, ...withoutClient } = h;
    assert.equal(readInternalContext(secret, withoutClient), undefined);
  });
});
