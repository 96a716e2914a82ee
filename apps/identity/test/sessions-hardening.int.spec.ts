import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sha256Hex, signInternalRequest } from '@wos/platform';
import { uniqueSuffix } from '@wos/platform/testing';
import { SECRET, startHarness, type Harness } from './support';
import { AuthorizationCodesStore } from '../src/authkit/authorization-codes.store';

const ENV = 'environment_01TESTSESSHARD0000000000000';
const OTHER_ENV = 'environment_01TESTSESSHARDB000000000000';
const CLIENT = 'client_01TESTSESSHARD00000000000000';
const PASSWORD = 'correct horse battery staple';

/**
 * Sessions hardening (security review 2026-12): refresh reuse grace (L2), password change ends
 * sessions (L11), logout return_to (M2, identity side) and authorization-code binding (L3).
 */
describe('sessions hardening (real Postgres, Redis, Kafka)', () => {
  let h: Harness;
  let port: number;
  let jose: typeof import('jose', { with: { 'resolution-mode': 'import' } });
  before(async () => {
    jose = await import('jose');
    // Nothing listens on the gateway URL: the return_to check must fail closed.
    h = await startHarness('identity_sessions_hardening', { API_GATEWAY_URL: 'http://127.0.0.1:9' });
    port = (h.app.getHttpServer().address() as { port: number }).port;
  });
  after(async () => {
    await h?.close();
  });

  const authenticate = (body: Record<string, unknown>) => h.call(ENV, 'POST', '/user_management/authenticate', { client_id: CLIENT, ...body });
  const refresh = (refresh_token: string) => authenticate({ grant_type: 'refresh_token', refresh_token });
  const newUser = async (prefix: string) => {
    const email = `${prefix}-${uniqueSuffix().toLowerCase()}@example.com`;
    const user = (await h.call(ENV, 'POST', '/user_management/users', { email, password: PASSWORD })).body;
    return { email, user };
  };
  const signIn = async (email: string) => {
    const r = await authenticate({ grant_type: 'password', email, password: PASSWORD });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { access_token: string; refresh_token: string; user: { id: string } };
  };
  const sessionStatus = async (sid: string) => (await h.sql(`SELECT status FROM sessions WHERE id = $1`, [sid]))[0]?.status;

  test('L2: two concurrent refreshes with one token both succeed with the same successor, and the user stays signed in', async () => {
    const { email } = await newUser('grace');
    const first = await signIn(email);
    const sid = jose.decodeJwt(first.access_token).sid as string;
    const [a, b] = await Promise.all([refresh(first.refresh_token), refresh(first.refresh_token)]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.equal(a.body.refresh_token, b.body.refresh_token, 'one chain: both get the same successor');
    assert.equal(jose.decodeJwt(a.body.access_token).sid, sid);
    assert.equal(jose.decodeJwt(b.body.access_token).sid, sid);
    assert.equal(await sessionStatus(sid), 'active');
    const next = await refresh(a.body.refresh_token);
    assert.equal(next.status, 200, 'the successor rotates as usual');
    // The successor is stored sealed under a key only the spent token yields.
    const [row] = await h.sql(`SELECT successor_sealed FROM refresh_tokens WHERE token_hash = $1`, [sha256Hex(first.refresh_token)]);
    assert.ok(row.successor_sealed && !row.successor_sealed.includes(a.body.refresh_token));
  });

  test('L2: outside the grace window, or once the successor was spent, reuse still revokes the session', async () => {
    const { email } = await newUser('reuse');
    const first = await signIn(email);
    const sid = jose.decodeJwt(first.access_token).sid as string;
    const second = (await refresh(first.refresh_token)).body;
    await h.sql(`UPDATE refresh_tokens SET used_at = used_at - interval '1 minute' WHERE token_hash = $1`, [sha256Hex(first.refresh_token)]);
    const late = await refresh(first.refresh_token);
    assert.equal(late.status, 400);
    assert.equal(late.body.error, 'invalid_grant');
    assert.equal(await sessionStatus(sid), 'revoked');
    assert.equal((await refresh(second.refresh_token)).status, 400, 'the whole chain is dead');
    const events = await h.sql(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'event' = 'session.revoked' AND payload->'data'->>'id' = $1`, [sid]);
    assert.equal(events[0].n, 1);

    const other = await signIn(email);
    const otherSid = jose.decodeJwt(other.access_token).sid as string;
    const s1 = (await refresh(other.refresh_token)).body;
    assert.equal((await refresh(s1.refresh_token)).status, 200);
    assert.equal((await refresh(other.refresh_token)).status, 400, 'within the window, but the chain moved on');
    assert.equal(await sessionStatus(otherSid), 'revoked');
  });

  test('L11: a new password via PUT /user_management/users/:id ends every session of the user; other updates do not', async () => {
    const { email, user } = await newUser('pwchange');
    const one = await signIn(email);
    const two = await signIn(email);
    assert.equal((await h.call(ENV, 'PUT', `/user_management/users/${user.id}`, { first_name: 'Ann' })).status, 200);
    assert.equal((await h.sql(`SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND status = 'active'`, [user.id]))[0].n, 2);
    assert.equal((await h.call(ENV, 'PUT', `/user_management/users/${user.id}`, { password: 'a brand new passphrase' })).status, 200);
    const sessions = (await h.call(ENV, 'GET', `/user_management/users/${user.id}/sessions`)).body.data;
    assert.deepEqual(sessions.map((s: { status: string }) => s.status), ['revoked', 'revoked']);
    assert.equal((await refresh(one.refresh_token)).status, 400);
    assert.equal((await refresh(two.refresh_token)).status, 400);
    const events = await h.sql(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'event' = 'session.revoked' AND payload->'data'->>'user_id' = $1`, [user.id]);
    assert.equal(events[0].n, 2);
  });

  test('M2: logout ends the named session but follows return_to only when the gateway confirms it (here unreachable: fail closed)', async () => {
    const { email } = await newUser('logout');
    const s = await signIn(email);
    const sid = jose.decodeJwt(s.access_token).sid as string;
    const res = await fetch(`http://127.0.0.1:${port}/user_management/sessions/logout?session_id=${sid}&return_to=${encodeURIComponent('https://evil.example/login')}`, { redirect: 'manual' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('location'), null);
    assert.equal(await sessionStatus(sid), 'revoked');
    const unknown = await fetch(`http://127.0.0.1:${port}/user_management/sessions/logout?session_id=session_01HZZZZZZZZZZZZZZZZZZZZZZZ&return_to=${encodeURIComponent('https://evil.example/')}`, { redirect: 'manual' });
    assert.equal(unknown.status, 200);
    assert.equal(unknown.headers.get('location'), null);
  });

  test('L3: an authorization code is checked against client, redirect URI, environment and PKCE before it is spent', async () => {
    const { email, user } = await newUser('code');
    void email;
    const verifier = 'v'.repeat(50);
    const codes = h.app.get(AuthorizationCodesStore);
    const code = await codes.issue({
      environmentId: ENV, clientId: CLIENT, userId: user.id, redirectUri: 'https://app.example.com/callback',
      codeChallenge: createHash('sha256').update(verifier).digest('base64url'), organizationId: null, method: 'Password',
    });
    const exchange = (env: string, body: Record<string, unknown>, context: { authKind?: 'api_key' | 'public_client'; clientId?: string } = {}) => {
      const payload = JSON.stringify({ grant_type: 'authorization_code', code, ...body });
      return fetch(`http://127.0.0.1:${port}/user_management/authenticate`, {
        method: 'POST',
        headers: { ...signInternalRequest(SECRET, 'identity', env, { method: 'POST', path: '/user_management/authenticate', body: payload }, context), 'content-type': 'application/json' },
        body: payload,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }));
    };

    const refusals = [
      await exchange(ENV, { client_id: 'client_01OTHERCLIENT000000000000000', code_verifier: verifier }),
      await exchange(ENV, { client_id: CLIENT, code_verifier: verifier, redirect_uri: 'https://app.example.com/other' }),
      await exchange(ENV, { client_id: CLIENT }, { authKind: 'public_client', clientId: CLIENT }),
      await exchange(ENV, { client_id: CLIENT, code_verifier: 'w'.repeat(50) }),
      await exchange(OTHER_ENV, { client_id: CLIENT, code_verifier: verifier }),
    ];
    for (const r of refusals) assert.deepEqual([r.status, r.body.error], [400, 'invalid_grant'], JSON.stringify(r.body));
    assert.match(refusals[0]!.body.error_description!, /not issued to this client_id/);
    assert.match(refusals[1]!.body.error_description!, /redirect_uri/);

    const ok = await exchange(ENV, { client_id: CLIENT, code_verifier: verifier, redirect_uri: 'https://app.example.com/callback' }, { authKind: 'public_client', clientId: CLIENT });
    assert.equal(ok.status, 200, 'none of the refused attempts burned the code');
    assert.equal((ok.body as unknown as { user: { id: string } }).user.id, user.id);
    assert.equal((await exchange(ENV, { client_id: CLIENT, code_verifier: verifier })).status, 400, 'a code works once');
  });
});
