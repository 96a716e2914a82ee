import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INTERNAL_HEADERS, MAX_SKEW_MS, signInternalRequest, verifyInternalRequest, type InternalRequestTarget } from './internal-auth';
import { internalAuthKeyFor, parsePeerKeys } from '../config/peer-keys';
import { ConfigError } from '../config/config-error';
import { sha256Hex } from '../crypto/secret-box';
import { deriveInternalAuthKey } from '../crypto/service-keys';

const key = 'a-secret-of-enough-length';
const target = { method: 'POST', path: '/organizations?x=1', body: '{"name":"Acme"}' };
const sign = (opts: Parameters<typeof signInternalRequest>[4] = {}, t: InternalRequestTarget = target, audience = 'organizations', k = key) => signInternalRequest(k, audience, 'environment_A', t, opts);
const verify = (headers: Record<string, string>, req: Partial<{ method: string; url: string }> = {}, audience = 'organizations', k = key, nowMs?: number) =>
  verifyInternalRequest(k, audience, { method: req.method ?? target.method, url: req.url ?? target.path, headers }, nowMs);

describe('internal request signature (M10)', () => {
  test('verifies for exactly the signed request and names the body digest to compare', () => {
    assert.deepEqual(verify(sign()), { environmentId: 'environment_A', authKind: 'api_key', contentSha256: sha256Hex(target.body) });
  });

  test('is bound to the method, the path and its query, and the audience', () => {
    const h = sign();
    assert.equal(verify(h, { method: 'DELETE' }), undefined, 'another method');
    assert.equal(verify(h, { url: '/organizations/org_1' }), undefined, 'another path');
    assert.equal(verify(h, { url: '/organizations?x=2' }), undefined, 'another query');
    assert.equal(verify(h, { url: '/organizations' }), undefined, 'the query dropped');
    assert.equal(verify(h, {}, 'sso'), undefined, 'replayed at another service');
    assert.equal(verify({ ...h, [INTERNAL_HEADERS.audience]: 'sso' }, {}, 'sso'), undefined, 'audience header swapped');
  });

  test('is bound to the body digest: a swapped digest header breaks the signature', () => {
    const h = sign();
    assert.equal(verify({ ...h, [INTERNAL_HEADERS.contentSha256]: sha256Hex('{"name":"Evil"}') }), undefined);
    assert.equal(verify(sign({}, { ...target, body: undefined }))?.contentSha256, sha256Hex(''));
  });

  test('per-service keys: a key derived for one service does not verify at another', () => {
    const root = 'operator-root-secret-0123456789abcdef';
    const organizations = deriveInternalAuthKey(root, 'organizations');
    const sso = deriveInternalAuthKey(root, 'sso');
    assert.notEqual(organizations, sso);
    assert.match(organizations, /^[0-9a-f]{64}$/);
    const h = sign({}, target, 'organizations', organizations);
    assert.ok(verify(h, {}, 'organizations', organizations));
    assert.equal(verify(h, {}, 'organizations', sso), undefined);
    assert.equal(verify(h, {}, 'organizations', root), undefined, 'the root itself is no key');
  });

  test('the window is 30 s either way', () => {
    const now = Date.now();
    assert.ok(verify(sign({ nowMs: now - MAX_SKEW_MS + 1000 }), {}, 'organizations', key, now));
    assert.ok(verify(sign({ nowMs: now + MAX_SKEW_MS - 1000 }), {}, 'organizations', key, now));
    assert.equal(verify(sign({ nowMs: now - MAX_SKEW_MS - 1000 }), {}, 'organizations', key, now), undefined);
    assert.equal(verify(sign({ nowMs: now + MAX_SKEW_MS + 1000 }), {}, 'organizations', key, now), undefined);
  });

  test('the environment, auth kind and client ID are inside the MAC', () => {
    const h = sign({ authKind: 'public_client', clientId: 'client_1' });
    assert.deepEqual(verify(h), { environmentId: 'environment_A', authKind: 'public_client', clientId: 'client_1', contentSha256: sha256Hex(target.body) });
    assert.equal(verify({ ...h, [INTERNAL_HEADERS.environmentId]: 'environment_B' }), undefined);
    assert.equal(verify({ ...h, [INTERNAL_HEADERS.authKind]: 'api_key' }), undefined);
    assert.equal(verify({ ...h, [INTERNAL_HEADERS.clientId]: 'client_2' }), undefined);
    const { [INTERNAL_HEADERS.clientId]: _dropped, ...withoutClient } = h;
    assert.equal(verify(withoutClient), undefined);
  });

  test('missing or malformed headers are refused', () => {
    assert.equal(verify({}), undefined);
    assert.equal(verify({ ...sign(), [INTERNAL_HEADERS.signature]: 'zz' }), undefined);
    assert.equal(verify({ ...sign(), [INTERNAL_HEADERS.contentSha256]: 'not-hex' }), undefined);
    assert.equal(verify({ ...sign(), [INTERNAL_HEADERS.authKind]: 'root' }), undefined);
  });

  test('peer keys parse as service=key and refuse malformed entries', () => {
    assert.deepEqual(parsePeerKeys(' organizations=0123456789abcdef0, sso=fedcba98765432100 '), { organizations: '0123456789abcdef0', sso: 'fedcba98765432100' });
    assert.deepEqual(parsePeerKeys(''), {});
    assert.throws(() => parsePeerKeys('organizations'));
    assert.throws(() => parsePeerKeys('Org=0123456789abcdef0'));
    assert.throws(() => parsePeerKeys('sso=short'));
    assert.equal(internalAuthKeyFor({ INTERNAL_AUTH_PEER_KEYS: { sso: 'k'.repeat(16) } }, 'sso'), 'k'.repeat(16));
    assert.throws(() => internalAuthKeyFor({ INTERNAL_AUTH_PEER_KEYS: {} }, 'organizations'), (e: unknown) => e instanceof ConfigError && /no key for organizations/.test(e.message));
  });
});
