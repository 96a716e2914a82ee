import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileAliases, hintFor, rewrite } from './aliases';
import { createRouteMatcher } from './route.table';

describe('aliases', () => {
  const aliases = compileAliases();

  test('nested directory paths become the canonical list with the directory in the query', () => {
    assert.deepEqual(rewrite(aliases, 'GET', '/directories/directory_1/users', 'limit=5'), { url: '/directory_users?directory=directory_1&limit=5', alias: aliases[0] });
    assert.equal((rewrite(aliases, 'HEAD', '/directories/directory_1/groups', '') as { url: string }).url, '/directory_groups?directory=directory_1');
    assert.equal((rewrite(aliases, 'GET', '/directories/a%20b/users', '') as { url: string }).url, '/directory_users?directory=a+b');
    assert.equal(rewrite(aliases, 'POST', '/directories/directory_1/users', ''), undefined, 'GET only');
    assert.equal(rewrite(aliases, 'GET', '/directories/directory_1', ''), undefined);
    assert.deepEqual(rewrite(aliases, 'GET', '/directories/directory_1/users', 'directory=other'), { error: 'ambiguous', parameter: 'directory' });
  });

  test('prefix aliases keep the rest of the path', () => {
    assert.equal((rewrite(aliases, 'POST', '/feature_flags/beta/targets', 'x=1') as { url: string }).url, '/feature-flags/beta/targets?x=1');
    assert.equal((rewrite(aliases, 'POST', '/data_integrations/github/token', '') as { url: string }).url, '/data-integrations/github/token');
    assert.equal((rewrite(aliases, 'GET', '/feature_flags', '') as { url: string }).url, '/feature-flags');
    assert.equal(rewrite(aliases, 'GET', '/feature_flagsX', ''), undefined);
  });

  test('hints answer only their method and path', () => {
    assert.match(hintFor(aliases, 'GET', '/organization_memberships') ?? '', /\/user_management\/organization_memberships/);
    assert.match(hintFor(aliases, 'POST', '/organization_memberships') ?? '', /\/user_management\/organization_memberships/);
    assert.match(hintFor(aliases, 'POST', '/user_management/sessions') ?? '', /\/user_management\/authenticate/);
    assert.equal(hintFor(aliases, 'GET', '/user_management/sessions'), undefined);
    assert.match(hintFor(aliases, 'POST', '/organization_domains/verify') ?? '', /\/organization_domains\/\{id\}\/verify/);
  });

  test('only prefixes with aliases are marked for the alias lookup', () => {
    const m = createRouteMatcher();
    assert.equal(m.hasAliases(m.match('/directories')!), true);
    for (const p of ['/organizations', '/directory_users', '/user_management/users', '/events', '/sso/authorize']) assert.equal(m.hasAliases(m.match(p)!), false, p);
  });

  test('resolve: canonical paths keep their route; an alias is rewritten and routed; a doubled parameter is refused', () => {
    const m = createRouteMatcher();
    assert.deepEqual(m.resolve('GET', '/organizations/org_1', ''), { route: m.match('/organizations/org_1') });
    assert.deepEqual(m.resolve('GET', '/directories/directory_1', ''), { route: m.match('/directories/directory_1') });
    assert.deepEqual(m.resolve('GET', '/directories/directory_1/users', 'limit=5'), { route: m.match('/directory_users'), rewritten: '/directory_users?directory=directory_1&limit=5' });
    assert.deepEqual(m.resolve('POST', '/feature_flags/beta/targets', ''), { route: m.match('/feature-flags/beta/targets'), rewritten: '/feature-flags/beta/targets' });
    assert.deepEqual(m.resolve('GET', '/directories/directory_1/users', 'directory=other'), { ambiguousParameter: 'directory' });
    assert.deepEqual(m.resolve('GET', '/no_such_thing', ''), { route: undefined });
  });
});
