import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { interpretTokenResponse, splitScopes } from './token-response';
import { refreshBackoffMs } from './backoff';
import { ownerKey, vaultKeyContext } from './owner';

const now = new Date('2026-12-03T12:00:00.000Z');

describe('interpretTokenResponse', () => {
  test('a success computes the expiry and keeps the old refresh token when none is sent', () => {
    const r = interpretTokenResponse(200, { access_token: 'at', expires_in: '60', scope: 'a b' }, now, { refresh_token: 'rt0', scopes: [] });
    assert.deepEqual(r, { ok: true, tokens: { access_token: 'at', refresh_token: 'rt0', expires_at: '2026-12-03T12:01:00.000Z', scopes: ['a', 'b'] } });
  });

  test('invalid_grant is a revoked grant, even with HTTP 200 (GitHub, Slack)', () => {
    assert.equal((interpretTokenResponse(400, { error: 'invalid_grant' }, now) as { kind: string }).kind, 'invalid_grant');
    assert.equal((interpretTokenResponse(200, { error: 'invalid_grant', error_description: 'x' }, now) as { kind: string }).kind, 'invalid_grant');
  });

  test('5xx and 429 are unavailable; other errors are rejections; garbage is unavailable', () => {
    assert.equal((interpretTokenResponse(503, 'down', now) as { kind: string }).kind, 'unavailable');
    assert.equal((interpretTokenResponse(429, { error: 'slow_down' }, now) as { kind: string }).kind, 'unavailable');
    assert.equal((interpretTokenResponse(401, { error: 'invalid_client' }, now) as { kind: string }).kind, 'rejected');
    assert.equal((interpretTokenResponse(200, { token: 'x' }, now) as { kind: string }).kind, 'unavailable');
  });

  test('scopes split on spaces and commas', () => {
    assert.deepEqual(splitScopes('a,b c'), ['a', 'b', 'c']);
  });
});

describe('owners and backoff', () => {
  test('an organization-scoped user connection is its own shape, under the organization key context', () => {
    assert.notEqual(ownerKey({ type: 'user', userId: 'u', organizationId: null }), ownerKey({ type: 'user', userId: 'u', organizationId: 'o' }));
    assert.deepEqual(vaultKeyContext({ type: 'user', userId: 'u', organizationId: 'o' }), { organization_id: 'o' });
    assert.deepEqual(vaultKeyContext({ type: 'user', userId: 'u', organizationId: null }), { pipes_user_id: 'u' });
  });

  test('backoff doubles and is capped', () => {
    assert.equal(refreshBackoffMs(1, 300), 2000);
    assert.equal(refreshBackoffMs(3, 300), 8000);
    assert.equal(refreshBackoffMs(30, 300), 300_000);
  });
});
