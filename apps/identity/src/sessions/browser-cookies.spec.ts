import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clearedCookies, parseCookies, refreshCookies, sessionCookies, sharedDomain } from './browser-cookies';

const A = 'client_01ARZ3NDEKTSV4RRFFQ69G5FAV';
const B = 'client_01BX5ZZKBKACTAV9WEVGEMMVRZ';

describe('browser cookies (authkit-js cookie mode)', () => {
  test('the has-session cookie is shared with the parent of the API host, never with an IP or a bare name', () => {
    assert.equal(sharedDomain('auth.example.com'), 'example.com');
    assert.equal(sharedDomain('auth.example.com:8443'), 'example.com');
    assert.equal(sharedDomain('a.b.example.co.uk'), 'b.example.co.uk');
    for (const host of ['example.com', 'localhost', 'localhost:8080', '127.0.0.1:8080', '10.0.0.1', undefined, 'bad host.example.com']) assert.equal(sharedDomain(host), undefined, String(host));
  });

  test('a sign-in sets the refresh cookie (HttpOnly, path-scoped) and adds its client to has-session', () => {
    const cookies = parseCookies(`other=1; workos-has-session=${B}; wos-refresh-${B}=tokB`);
    const [refresh, has] = sessionCookies(A, 'tokA', cookies, { host: 'auth.example.com', secure: true }, 600);
    assert.equal(refresh, `wos-refresh-${A}=tokA; Path=/user_management; HttpOnly; Max-Age=600; SameSite=Lax; Secure`);
    assert.equal(has, `workos-has-session=${B}.${A}; Path=/; Domain=example.com; Max-Age=600; SameSite=Lax; Secure`);
    assert.doesNotMatch(sessionCookies(A, 't', new Map(), { host: '127.0.0.1:8080', secure: false }, 600).join('\n'), /Domain|Secure/);
  });

  test("a logout clears only the named clients' cookies", () => {
    const cookies = parseCookies(`workos-has-session=${A}.${B}`);
    const [refresh, has] = clearedCookies([A], cookies, { host: 'auth.example.com', secure: false }, 600);
    assert.equal(refresh, `wos-refresh-${A}=; Path=/user_management; HttpOnly; Max-Age=0; SameSite=Lax`);
    assert.equal(has, `workos-has-session=${B}; Path=/; Domain=example.com; Max-Age=600; SameSite=Lax`);
    assert.match(clearedCookies([A, B], cookies, { host: 'auth.example.com', secure: false }, 600)[2]!, /^workos-has-session=; .*Max-Age=0/);
    assert.deepEqual(clearedCookies([], cookies, { host: undefined, secure: false }, 600), []);
  });

  test('refresh cookies are read by well-formed client ID only, bounded', () => {
    const header = [`wos-refresh-${A}=t1`, 'wos-refresh-nope=t2', `wos-refresh-${B}=`, ...Array.from({ length: 20 }, (_, i) => `wos-refresh-client_01ARZ3NDEKTSV4RRFFQ69G5F${String(i).padStart(2, '0')}=x`)].join('; ');
    const found = refreshCookies(parseCookies(header));
    assert.deepEqual(found[0], { clientId: A, token: 't1' });
    assert.ok(found.length <= 8);
    assert.ok(!found.some((c) => c.clientId === B || c.clientId === 'nope'));
  });
});
