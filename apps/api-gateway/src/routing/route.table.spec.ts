import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRouteMatcher, RESERVED_PREFIXES, ROUTES, routedUpstreams } from './route.table';
import { compilePath } from '../rate-limit/rate-limit.rules';

describe('route.table', () => {
  const m = createRouteMatcher();

  test('the per-segment index picks what a scan of every route, longest prefix first, picks', () => {
    const sorted = [...ROUTES].sort((a, b) => b.prefix.length - a.prefix.length);
    const scan = (path: string) =>
      sorted.find((r) => (r.prefix.includes('/:') ? compilePath(`${r.prefix}/*`).test(path) : path === r.prefix || path.startsWith(`${r.prefix}/`)));
    const paths = ['/', '/x', '/unknown/thing', '/organizations_', '/user_managementX/users'];
    for (const r of ROUTES) {
      const concrete = r.prefix.replace(/:[a-z_]+/gi, 'id_1');
      paths.push(concrete, `${concrete}/more`, `${concrete}/more/deeper`, `${concrete}x`, concrete.slice(0, -1));
    }
    for (const path of paths) assert.equal(m.match(path), scan(path), path);
  });

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
    assert.deepEqual(routedUpstreams().sort(), ['admin-portal', 'audit-logs', 'authorization', 'dashboard', 'directory-sync', 'events', 'identity', 'organizations', 'pipes', 'radar', 'sso', 'vault', 'webhook-dispatcher']);
  });

  test('the Dashboard: pages authenticated by their own session, HTML errors passed through', () => {
    assert.deepEqual(m.match('/dashboard/e/environment_1/api-keys'), { prefix: '/dashboard', upstream: 'dashboard', auth: 'none', htmlPages: true });
    assert.equal(m.match('/dashboardX'), undefined);
  });

  test('the Admin Portal: links by API key, pages authenticated by their own session, IT contacts below /organizations', () => {
    assert.deepEqual(m.match('/portal/generate_link'), { prefix: '/portal/generate_link', upstream: 'admin-portal', auth: 'api_key' });
    assert.equal(m.match('/portal/o/org_1/sso')?.auth, 'none');
    assert.equal(m.match('/portal/o/org_1/sso')?.htmlPages, true);
    assert.equal(m.match('/organizations/org_1/it_contacts/it_contact_1/invite')?.upstream, 'admin-portal');
    assert.equal(m.match('/organizations/org_1')?.upstream, 'organizations');
    assert.equal(m.match('/portal/other'), undefined);
  });

  test('browser and back-channel entry points have the auth mode their callers can satisfy', () => {
    const auth = (path: string) => m.match(path)?.auth;
    assert.equal(auth('/sso/authorize'), 'client_id');
    assert.equal(auth('/user_management/authorize'), 'client_id');
    assert.equal(auth('/sso/jwks/client_1'), 'client_id');
    assert.equal(auth('/sso/token'), 'api_key_or_client_id');
    assert.equal(auth('/user_management/authenticate'), 'api_key_or_client_id');
    for (const p of ['/scim/v2/directory_1/Users', '/sso/saml/acs/conn_1', '/sso/oidc/callback', '/sso/profile', '/user_management/sso/callback', '/user_management/sessions/logout']) {
      assert.equal(auth(p), 'none', p);
    }
    assert.equal(auth('/user_management/users'), 'api_key');
  });
});

describe('route.table: authorization and its sub-paths of other services', () => {
  test('groups below /organizations and /user_management go to authorization, the rest stays put', () => {
    const m = createRouteMatcher();
    assert.equal(m.match('/authorization/organization_memberships/om_1/check')?.upstream, 'authorization');
    assert.equal(m.match('/organizations/org_1/groups')?.upstream, 'authorization');
    assert.equal(m.match('/organizations/org_1/groups/group_1/organization-memberships/om_1')?.upstream, 'authorization');
    assert.equal(m.match('/organizations/org_1')?.upstream, 'organizations');
    assert.equal(m.match('/organizations/org_1/groupsX')?.upstream, 'organizations');
    assert.equal(m.match('/user_management/organization_memberships/om_1/groups')?.upstream, 'authorization');
    assert.equal(m.match('/user_management/organization_memberships/om_1')?.upstream, 'identity');
    // Service-to-service paths are never routed from the edge.
    assert.equal(m.match('/internal/authorization/role_claims'), undefined);
  });
});

describe('route.table parameter segments', () => {
  test('a :name segment matches one segment, and beats a shorter literal prefix', () => {
    const m = createRouteMatcher();
    assert.equal(m.match('/organizations/org_1/audit_logs_retention')?.upstream, 'audit-logs');
    assert.equal(m.match('/organizations/org_1/audit_logs_retentionX')?.upstream, 'organizations');
    assert.equal(m.match('/organizations/org_1/x/audit_logs_retention')?.upstream, 'organizations');
    assert.equal(m.match('/organizations/org_1')?.upstream, 'organizations');
    assert.equal(m.match('/audit_logs/actions/user.signed_in/schemas')?.upstream, 'audit-logs');
  });
});

describe('route.table: pipes and its sub-paths of other services', () => {
  const m = createRouteMatcher();
  test('connected accounts and data providers below /user_management and /organizations go to pipes, the rest stays put', () => {
    assert.equal(m.match('/data-integrations/github/token')?.upstream, 'pipes');
    assert.equal(m.match('/user_management/users/user_1/connected_accounts/github')?.upstream, 'pipes');
    assert.equal(m.match('/user_management/users/user_1/data_providers')?.upstream, 'pipes');
    assert.equal(m.match('/organizations/org_1/connected_accounts/github')?.upstream, 'pipes');
    assert.equal(m.match('/organizations/org_1/data_providers')?.upstream, 'pipes');
    assert.equal(m.match('/organizations/org_1/data_integration_configurations/github')?.upstream, 'pipes');
    assert.equal(m.match('/user_management/users/user_1')?.upstream, 'identity');
    assert.equal(m.match('/user_management/users/user_1/identities')?.upstream, 'identity');
    assert.equal(m.match('/organizations/org_1')?.upstream, 'organizations');
  });
  test("the provider's redirect back needs no API key; everything else of pipes does", () => {
    assert.equal(m.match('/pipes/oauth/callback')?.auth, 'none');
    assert.equal(m.match('/data-integrations')?.auth, 'api_key');
    assert.equal(m.match('/pipes/other'), undefined);
  });
});
