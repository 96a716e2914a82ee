import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidSlug, slugFromName } from './slugs';
import { toResourceRef } from './resource-ref';
import { byPriority, primaryRoleSlug, unknownRoleSlugs } from './role-order';
import { roleClaims } from './role-claims';

describe('slugs', () => {
  test('accept WorkOS slug characters and refuse the rest', () => {
    for (const ok of ['admin', 'documents:read', 'docs.*', 'org-billing_admin']) assert.ok(isValidSlug(ok), ok);
    for (const bad of ['', 'Admin', 'a b', '-lead', 'a/b', 'x'.repeat(129)]) assert.equal(isValidSlug(bad), false, bad);
  });
  test('an organization role without a slug gets org-<name>', () => {
    assert.equal(slugFromName('Billing Admin!'), 'org-billing-admin');
    assert.equal(slugFromName('***'), 'org-role');
    assert.ok(isValidSlug(slugFromName('Ünïcode Nàme')));
  });
});

describe('toResourceRef', () => {
  test('takes an ID or an external ID with its type, never both or half', () => {
    assert.deepEqual(toResourceRef({ resource_id: 'authz_resource_1' }), { id: 'authz_resource_1' });
    assert.deepEqual(toResourceRef({ resource_external_id: 'p1', resource_type_slug: 'project' }), { externalId: 'p1', typeSlug: 'project' });
    assert.deepEqual(toResourceRef({ resource_id: 'x', resource_type_slug: 'project' }), { error: 'resource_id_or_external_id_not_both' });
    assert.deepEqual(toResourceRef({ resource_external_id: 'p1' }), { error: 'resource_reference_required' });
    assert.deepEqual(toResourceRef({}), { error: 'resource_reference_required' });
  });
});

describe('role priority', () => {
  const roles = [
    { id: 'role_03', slug: 'org-custom', organizationId: 'org_1' },
    { id: 'role_02', slug: 'member', organizationId: null },
    { id: 'role_01', slug: 'admin', organizationId: null },
  ];
  test('environment roles come first, each scope in creation order', () => {
    assert.deepEqual(byPriority(roles).map((r) => r.slug), ['admin', 'member', 'org-custom']);
  });
  test('the primary role is the highest-priority one held', () => {
    assert.equal(primaryRoleSlug(['org-custom', 'member'], roles), 'member');
    assert.equal(primaryRoleSlug(['nope'], roles), null);
  });
  test('unknown slugs are reported once each', () => {
    assert.deepEqual(unknownRoleSlugs(['admin', 'ghost', 'ghost'], roles), ['ghost']);
  });
});

describe('roleClaims', () => {
  const catalogue = [
    { id: 'role_02', slug: 'member', organizationId: null, permissions: ['docs:read'] },
    { id: 'role_01', slug: 'admin', organizationId: null, permissions: ['docs:read', 'docs:write'] },
    { id: 'role_03', slug: 'org-billing', organizationId: 'org_1', permissions: ['billing:manage'] },
  ];
  test('orders roles by priority, unions their permissions and reports unknown slugs', () => {
    assert.deepEqual(roleClaims(['org-billing', 'member', 'ghost'], catalogue), {
      role: 'member',
      roles: ['member', 'org-billing'],
      permissions: ['billing:manage', 'docs:read'],
      unknown_role_slugs: ['ghost'],
    });
    assert.deepEqual(roleClaims([], catalogue), { role: null, roles: [], permissions: [], unknown_role_slugs: [] });
  });
});
