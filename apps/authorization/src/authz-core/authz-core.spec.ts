import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidSlug, slugFromName } from './slugs';
import { toResourceRef } from './resource-ref';
import { byPriority, primaryRoleSlug, reorder, unknownRoleSlugs } from './role-order';
import { roleFitsResource } from './resource-types';
import { nameFromSlug, planSlugMigration } from './slug-migration';
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
  test('a reordered priority outranks creation order, within each scope only', () => {
    const moved = roles.map((r) => ({ ...r, priority: r.slug === 'member' ? 1 : r.slug === 'admin' ? 2 : 1 }));
    assert.deepEqual(byPriority(moved).map((r) => r.slug), ['member', 'admin', 'org-custom']);
  });
  test('reorder names every role of the scope once and returns only the roles that moved', () => {
    const scope = [
      { id: 'role_01', slug: 'admin', organizationId: null, priority: 1 },
      { id: 'role_02', slug: 'member', organizationId: null, priority: 2 },
      { id: 'role_04', slug: 'viewer', organizationId: null, priority: 0 },
    ];
    assert.deepEqual(reorder(scope, ['admin', 'viewer', 'member']), { priorities: [{ id: 'role_04', priority: 2 }, { id: 'role_02', priority: 3 }] });
    assert.deepEqual(reorder(scope, ['admin', 'member']), { error: 'order_incomplete', slugs: ['viewer'] });
    assert.deepEqual(reorder(scope, ['admin', 'admin', 'member', 'viewer']), { error: 'order_duplicate', slugs: ['admin'] });
    assert.deepEqual(reorder(scope, ['admin', 'member', 'viewer', 'ghost']), { error: 'order_unknown_role', slugs: ['ghost'] });
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
      default_role_slug: 'admin',
    });
    assert.deepEqual(roleClaims([], catalogue), { role: null, roles: [], permissions: [], unknown_role_slugs: [], default_role_slug: 'admin' });
  });
  test("the default role is the environment's flagged one, else its highest-priority environment role", () => {
    const flagged = catalogue.map((r) => ({ ...r, isDefault: r.slug === 'member' }));
    assert.equal(roleClaims([], flagged).default_role_slug, 'member');
    assert.equal(roleClaims([], catalogue.filter((r) => r.organizationId !== null)).default_role_slug, null);
  });
});

describe('roleFitsResource', () => {
  test('an organization role fits any resource; another type only its own', () => {
    assert.equal(roleFitsResource('organization', 'folder'), true);
    assert.equal(roleFitsResource('folder', 'folder'), true);
    assert.equal(roleFitsResource('folder', 'workspace'), false);
  });
});

describe('planSlugMigration', () => {
  test('an environment role per unknown slug, unless an organization role has the slug: then one per organization lacking it', () => {
    const plan = planSlugMigration(
      [
        { organizationId: 'org_1', slug: 'legacy' },
        { organizationId: 'org_2', slug: 'legacy' },
        { organizationId: 'org_2', slug: 'org-ops' },
        { organizationId: 'org_3', slug: 'org-ops' },
        { organizationId: 'org_3', slug: 'org-ops' },
      ],
      new Set(['org-ops']),
    );
    assert.deepEqual(plan, {
      environmentRoles: ['legacy'],
      organizationRoles: [
        { organizationId: 'org_2', slug: 'org-ops' },
        { organizationId: 'org_3', slug: 'org-ops' },
      ],
    });
  });
  test('names roles from their slugs', () => {
    assert.equal(nameFromSlug('billing-admin'), 'Billing Admin');
    assert.equal(nameFromSlug('docs:read_only'), 'Docs Read Only');
  });
});
