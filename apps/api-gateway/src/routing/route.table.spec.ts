import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRouteMatcher, RESERVED_PREFIXES, ROUTES, routedUpstreams } from './route.table';

describe('route.table', () => {
  const m = createRouteMatcher();

  test('routes by whole path segments', () => {
    assert.equal(m.match('/organizations')?.upstream, 'organizations');
    assert.equal(m.match('/organizations/org_1/domains')?.upstream, 'organizations');
    assert.equal(m.match('/organization_domains/d_1/verify')?.upstream, 'organizations');
    assert.equal(m.match('/events')?.upstream, 'events');
    assert.equal(m.match('/eventsX'), undefined);
    assert.equal(m.match('/'), undefined);
  });

  test('reserved prefixes are not routed yet', () => {
    for (const p of RESERVED_PREFIXES) assert.equal(m.match(`${p}/x`), undefined, p);
  });

  test('refuses dot segments', () => {
    assert.equal(m.match('/organizations/../events'), undefined);
    assert.equal(m.match('/organizations/%2E%2e/x'), undefined);
    assert.equal(m.match('/organizations/.'), undefined);
    assert.equal(m.match('/organizations/a.b')?.upstream, 'organizations');
  });

  test('the longest prefix wins', () => {
    const custom = createRouteMatcher([
      { prefix: '/sso', upstream: 'sso', auth: 'api_key' },
      { prefix: '/sso/jwks', upstream: 'sso', auth: 'none' },
    ]);
    assert.equal(custom.match('/sso/jwks/client_1')?.auth, 'none');
    assert.equal(custom.match('/sso/profile')?.auth, 'api_key');
  });

  test('no reserved prefix shadows a live route', () => {
    for (const r of ROUTES) assert.equal(RESERVED_PREFIXES.includes(r.prefix), false);
    assert.deepEqual(routedUpstreams(), ['organizations', 'events']);
  });
});
