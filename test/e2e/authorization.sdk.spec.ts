import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { ConflictException, DomainDataState, NotFoundException, UnprocessableEntityException, type EventName, type WorkOS } from '@workos-inc/node';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { ROOT, startE2e, expectSdkError, listAllEvents, waitForEvents, type E2e } from '../support/e2e-stack';
import { Browser, TestSamlIdp } from '../support/sso-peers';

const APP = 'https://app.example.com/auth/callback';

/** Runs the `wos` bin as an operator would; resolves with its exit status and output. */
function wos(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(ROOT, 'tools', 'wos.mjs'), ...args], { cwd: ROOT, env: { PATH: process.env.PATH } }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** One statement against an app's own database (to stage what predates the catalogue). */
async function sql(url: string, text: string, values: unknown[] = []): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text, values);
  } finally {
    await c.end();
  }
}

/** Every item of an SDK auto-paginated list, walking `after` cursors page by page (limit 2 to force several pages). */
async function all<T>(page: Promise<{ data: T[]; listMetadata: { after?: string | null } }>, next: (after: string) => Promise<{ data: T[]; listMetadata: { after?: string | null } }>): Promise<T[]> {
  let p = await page;
  const out = [...p.data];
  while (p.listMetadata.after) {
    p = await next(p.listMetadata.after);
    out.push(...p.data);
  }
  return out;
}

describe('Authorization through the WorkOS SDK', () => {
  let e: E2e;
  let w: WorkOS;
  const tag = uniqueSuffix();

  /** A user, an organization and a membership, once authorization has projected the membership. */
  async function member(org: string, name: string, roleSlug?: string, client: WorkOS = w) {
    const u = await client.userManagement.createUser({ email: `${name}-${tag}@example.com` });
    const m = await client.userManagement.createOrganizationMembership({ organizationId: org, userId: u.id, ...(roleSlug ? { roleSlug } : {}) });
    // Identity owns memberships; authorization learns them from identity's events.
    await waitFor(() => client.authorization.listRoleAssignments({ organizationMembershipId: m.id }).then(() => true, () => false), {
      timeoutMs: 30_000,
      message: `authorization to project ${m.id}`,
    });
    return m;
  }

  before(async () => {
    e = await startE2e({ name: 'authorization_sdk', portOffset: 4000, apps: ['organizations', 'events', 'identity', 'authorization', 'sso'] });
    w = e.workos;
    await e.addRedirectUri(APP);
  });
  after(async () => {
    await e?.stop();
  });

  test('permissions: create, get, update, list (paginated), delete; slug conflicts and bad slugs', async () => {
    const a = w.authorization;
    const created = await a.createPermission({ slug: 'documents:read', name: 'Read documents', description: 'Read any document' });
    assert.equal(created.object, 'permission');
    assert.match(created.id, /^perm_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(created.slug, 'documents:read');
    assert.equal(created.system, false);
    assert.equal(created.resourceTypeSlug, 'organization');
    await expectSdkError(a.createPermission({ slug: 'documents:read', name: 'again' }), ConflictException, 409);
    await expectSdkError(a.createPermission({ slug: 'Bad Slug', name: 'bad' }), UnprocessableEntityException, 422);

    assert.equal((await a.getPermission('documents:read')).id, created.id);
    const updated = await a.updatePermission('documents:read', { name: 'Read docs' });
    assert.equal(updated.name, 'Read docs');
    assert.equal(updated.description, 'Read any document');

    for (const s of ['documents:write', 'documents:delete', 'billing:manage']) await a.createPermission({ slug: s, name: s });
    const listed = await all(a.listPermissions({ limit: 2 }), (after) => a.listPermissions({ limit: 2, after }));
    assert.deepEqual(listed.map((p) => p.slug).sort(), ['billing:manage', 'documents:delete', 'documents:read', 'documents:write']);

    await a.deletePermission('billing:manage');
    await expectSdkError(a.getPermission('billing:manage'), NotFoundException, 404);
    await expectSdkError(a.deletePermission('billing:manage'), NotFoundException, 404);
  });

  test('environment and organization roles: permissions set/add/remove, merged list in priority order, events', async () => {
    const a = w.authorization;
    const org = await w.organizations.createOrganization({ name: `Roles ${tag}` });
    const admin = await a.createEnvironmentRole({ slug: 'admin', name: 'Admin' });
    assert.equal(admin.object, 'role');
    assert.match(admin.id, /^role_/);
    assert.equal(admin.type, 'EnvironmentRole');
    assert.deepEqual(admin.permissions, []);
    await a.createEnvironmentRole({ slug: 'member', name: 'Member' });
    await expectSdkError(a.createEnvironmentRole({ slug: 'admin', name: 'Again' }), ConflictException, 409);

    const set = await a.setEnvironmentRolePermissions('admin', { permissions: ['documents:read', 'documents:write'] });
    assert.deepEqual(set.permissions, ['documents:read', 'documents:write']);
    const added = await a.addEnvironmentRolePermission('admin', { permissionSlug: 'documents:delete' });
    assert.deepEqual(added.permissions, ['documents:delete', 'documents:read', 'documents:write']);
    // An unknown permission is a 422 and changes nothing.
    await expectSdkError(a.setEnvironmentRolePermissions('admin', { permissions: ['documents:read', 'ghost:perm'] }), UnprocessableEntityException, 422);
    assert.deepEqual((await a.getEnvironmentRole('admin')).permissions, ['documents:delete', 'documents:read', 'documents:write']);
    assert.equal((await a.updateEnvironmentRole('member', { description: 'Everyone' })).description, 'Everyone');
    await a.setEnvironmentRolePermissions('member', { permissions: ['documents:read'] });

    const custom = await a.createOrganizationRole(org.id, { name: 'Billing Admin' });
    assert.equal(custom.slug, 'org-billing-admin');
    assert.equal(custom.type, 'OrganizationRole');
    await expectSdkError(a.createOrganizationRole(org.id, { slug: 'admin', name: 'Shadow' }), ConflictException, 409);
    await a.addOrganizationRolePermission(org.id, custom.slug, { permissionSlug: 'documents:read' });
    assert.deepEqual((await a.setOrganizationRolePermissions(org.id, custom.slug, { permissions: ['documents:read', 'documents:write'] })).permissions, [
      'documents:read',
      'documents:write',
    ]);
    await a.removeOrganizationRolePermission(org.id, custom.slug, { permissionSlug: 'documents:write' });
    assert.deepEqual((await a.getOrganizationRole(org.id, custom.slug)).permissions, ['documents:read']);
    assert.equal((await a.updateOrganizationRole(org.id, custom.slug, { name: 'Billing Admins' })).name, 'Billing Admins');

    // The organization sees environment roles (first) and its own; the environment list has no organization roles.
    const merged = await a.listOrganizationRoles(org.id);
    assert.deepEqual(merged.data.map((r) => r.slug), ['admin', 'member', 'org-billing-admin']);
    assert.deepEqual((await a.listEnvironmentRoles()).data.map((r) => r.slug), ['admin', 'member']);
    assert.equal((await a.getOrganizationRole(org.id, 'admin')).type, 'EnvironmentRole');
    // An organization route cannot change an environment role, and another organization cannot see this one's roles.
    await expectSdkError(a.deleteOrganizationRole(org.id, 'admin'), NotFoundException, 404);
    const other = await w.organizations.createOrganization({ name: `Other ${tag}` });
    await expectSdkError(a.getOrganizationRole(other.id, custom.slug), NotFoundException, 404);

    await a.deleteOrganizationRole(org.id, custom.slug);
    await expectSdkError(a.getOrganizationRole(org.id, custom.slug), NotFoundException, 404);

    const types = ['role.created', 'role.updated', 'organization_role.created', 'organization_role.updated', 'organization_role.deleted', 'permission.created', 'permission.updated', 'permission.deleted'] as EventName[];
    // Environment roles and organization roles are keyed apart (environment, organization), so
    // their events reach the events service through different partitions, in either order.
    const events = await waitForEvents(w, types, (evs) => types.every((t) => evs.some((x) => x.event === t)));
    const seen = new Set(events.map((x) => x.event));
    for (const t of types) assert.ok(seen.has(t), `event ${t}`);
    const orgRoleCreated = events.find((x) => x.event === ('organization_role.created' as EventName))!.data as unknown as Record<string, unknown>;
    assert.equal(orgRoleCreated.organizationId ?? orgRoleCreated.organization_id, org.id);
  });

  test('resources: 6-level tree, inheritance, check, revocation, lookups, assignments, deletes', async () => {
    const a = w.authorization;
    const org = await w.organizations.createOrganization({ name: `Tree ${tag}` });
    await a.createPermission({ slug: 'projects:view', name: 'View projects' });
    await a.createPermission({ slug: 'projects:edit', name: 'Edit projects' });
    await a.createOrganizationRole(org.id, { slug: 'org-viewer', name: 'Viewer' });
    await a.setOrganizationRolePermissions(org.id, 'org-viewer', { permissions: ['projects:view'] });
    await a.createOrganizationRole(org.id, { slug: 'org-editor', name: 'Editor' });
    await a.setOrganizationRolePermissions(org.id, 'org-editor', { permissions: ['projects:view', 'projects:edit'] });

    // level 1 (root) .. level 6 (leaf); parents by ID and by external ID.
    const chain = [await a.createResource({ organizationId: org.id, resourceTypeSlug: 'workspace', externalId: 'ws-1', name: 'Workspace' })];
    for (let depth = 2; depth <= 6; depth++) {
      const parent = chain.at(-1)!;
      const opts = { organizationId: org.id, resourceTypeSlug: 'folder', externalId: `f-${depth}`, name: `Folder ${depth}` };
      chain.push(
        depth % 2
          ? await a.createResource({ ...opts, parentResourceId: parent.id })
          : await a.createResource({ ...opts, parentResourceExternalId: parent.externalId, parentResourceTypeSlug: parent.resourceTypeSlug }),
      );
    }
    const [root, , , , , leaf] = chain as [typeof chain[0], unknown, unknown, unknown, unknown, typeof chain[0]];
    assert.equal(root.object, 'authorization_resource');
    assert.match(root.id, /^authz_resource_/);
    assert.equal(leaf.parentResourceId, chain[4]!.id);
    await expectSdkError(a.createResource({ organizationId: org.id, resourceTypeSlug: 'workspace', externalId: 'ws-1', name: 'dup' }), ConflictException, 409);
    assert.equal((await a.getResourceByExternalId({ organizationId: org.id, resourceTypeSlug: 'folder', externalId: 'f-6' })).id, leaf.id);
    assert.equal((await a.updateResource({ resourceId: leaf.id, name: 'Leaf' })).name, 'Leaf');
    assert.equal((await a.updateResourceByExternalId({ organizationId: org.id, resourceTypeSlug: 'folder', externalId: 'f-6', description: 'deepest' })).description, 'deepest');
    assert.equal((await a.getResource(leaf.id)).name, 'Leaf');
    const children = await a.listResources({ organizationId: org.id, parentResourceId: root.id });
    assert.deepEqual(children.data.map((r) => r.id), [chain[1]!.id]);
    const byParentExternal = await a.listResources({ organizationId: org.id, parentResourceTypeSlug: 'folder', parentExternalId: 'f-5' });
    assert.deepEqual(byParentExternal.data.map((r) => r.id), [leaf.id]);
    const folders = await all(a.listResources({ organizationId: org.id, resourceTypeSlug: 'folder', limit: 2 }), (after) =>
      a.listResources({ organizationId: org.id, resourceTypeSlug: 'folder', limit: 2, after }),
    );
    assert.equal(folders.length, 5);

    const alice = await member(org.id, 'alice');
    const bob = await member(org.id, 'bob');
    const check = (m: string, permissionSlug: string, resourceId: string) => a.check({ organizationMembershipId: m, permissionSlug, resourceId }).then((r) => r.authorized);
    assert.equal(await check(alice.id, 'projects:view', leaf.id), false);

    // A grant on the root applies down all six levels, and nowhere else.
    const grant = await a.assignRole({ organizationMembershipId: alice.id, roleSlug: 'org-viewer', resourceId: root.id });
    assert.equal(grant.object, 'role_assignment');
    assert.match(grant.id, /^role_assignment_/);
    assert.deepEqual(grant.role, { slug: 'org-viewer' });
    assert.equal(grant.resource.id, root.id);
    assert.equal(grant.source.type, 'direct');
    for (const r of chain) assert.equal(await check(alice.id, 'projects:view', r.id), true, `inherited at ${r.externalId}`);
    assert.equal(await check(alice.id, 'projects:edit', leaf.id), false);
    assert.equal(await check(bob.id, 'projects:view', leaf.id), false);
    assert.equal(
      (await a.check({ organizationMembershipId: alice.id, permissionSlug: 'projects:view', resourceExternalId: 'f-6', resourceTypeSlug: 'folder' })).authorized,
      true,
    );

    // An editor grant in the middle of the tree covers only its subtree.
    await a.assignRole({ organizationMembershipId: bob.id, roleSlug: 'org-editor', resourceExternalId: 'f-4', resourceTypeSlug: 'folder' });
    assert.equal(await check(bob.id, 'projects:edit', leaf.id), true);
    assert.equal(await check(bob.id, 'projects:edit', chain[2]!.id), false);

    const perms = await a.listEffectivePermissions({ organizationMembershipId: bob.id, resourceId: leaf.id });
    // Bob's membership role (identity's default, `member`, which reads documents) applies organization-wide.
    assert.deepEqual(perms.data.map((p) => p.slug).sort(), ['documents:read', 'projects:edit', 'projects:view']);
    // The Java SDK asks the same question under the membership.
    const javaPath = await e.http('GET', `/authorization/organization_memberships/${bob.id}/resources/${leaf.id}/permissions`, { key: true });
    assert.equal(javaPath.status, 200);
    assert.deepEqual((javaPath.json as { data: { slug: string }[] }).data.map((p) => p.slug).sort(), ['documents:read', 'projects:edit', 'projects:view']);
    const permsByExternal = await a.listEffectivePermissionsByExternalId({ organizationMembershipId: alice.id, resourceTypeSlug: 'folder', externalId: 'f-6' });
    assert.deepEqual(permsByExternal.data.map((p) => p.slug).sort(), ['documents:read', 'projects:view']);

    // Children of a parent (the organization when none is named), every page of them.
    const topLevel = await a.listResourcesForMembership({ organizationMembershipId: alice.id, permissionSlug: 'projects:view' } as never);
    assert.deepEqual(topLevel.data.map((r) => r.id), [root.id]);
    for (let i = 0; i < 4; i++) await a.createResource({ organizationId: org.id, resourceTypeSlug: 'file', externalId: `file-${i}`, name: `File ${i}`, parentResourceId: root.id });
    const underRoot = await all(a.listResourcesForMembership({ organizationMembershipId: alice.id, permissionSlug: 'projects:view', parentResourceId: root.id, limit: 2 }), (after) =>
      a.listResourcesForMembership({ organizationMembershipId: alice.id, permissionSlug: 'projects:view', parentResourceId: root.id, limit: 2, after }),
    );
    assert.equal(underRoot.length, 5);
    assert.equal(new Set(underRoot.map((r) => r.id)).size, 5);
    const bobUnderF3 = await a.listResourcesForMembership({ organizationMembershipId: bob.id, permissionSlug: 'projects:edit', parentResourceId: chain[2]!.id });
    assert.deepEqual(bobUnderF3.data.map((r) => r.id), [chain[3]!.id]);

    // `indirect`: every holder, inherited ones included; `direct` (the default): assigned on the resource itself.
    const holders = await a.listMembershipsForResource({ resourceId: leaf.id, permissionSlug: 'projects:view', assignment: 'indirect' });
    assert.deepEqual(holders.data.map((m) => m.id).sort(), [alice.id, bob.id].sort());
    assert.equal(holders.data[0]!.object, 'organization_membership');
    assert.deepEqual((await a.listMembershipsForResource({ resourceId: leaf.id, permissionSlug: 'projects:view' })).data, []);
    const direct = await a.listMembershipsForResource({ resourceId: chain[3]!.id, permissionSlug: 'projects:view', assignment: 'direct' });
    assert.deepEqual(direct.data.map((m) => m.id), [bob.id]);
    const byExternal = await a.listMembershipsForResourceByExternalId({ organizationId: org.id, resourceTypeSlug: 'folder', externalId: 'f-4', permissionSlug: 'projects:view', assignment: 'indirect' });
    assert.deepEqual(byExternal.data.map((m) => m.id).sort(), [alice.id, bob.id].sort());

    const aliceAssignments = await a.listRoleAssignments({ organizationMembershipId: alice.id });
    assert.deepEqual(aliceAssignments.data.map((x) => x.id), [grant.id]);
    assert.equal((await a.listRoleAssignments({ organizationMembershipId: alice.id, resourceId: leaf.id })).data.length, 0);
    assert.equal((await a.listRoleAssignmentsForResource({ resourceId: root.id })).data[0]!.organizationMembershipId, alice.id);
    assert.equal((await a.listRoleAssignmentsForResource({ resourceId: root.id, roleSlug: 'org-editor' })).data.length, 0);
    assert.equal((await a.listResourceRoleAssignments({ organizationId: org.id, resourceTypeSlug: 'folder', externalId: 'f-4' })).data[0]!.organizationMembershipId, bob.id);

    // A role assigned somewhere cannot be deleted; the assignment must go first.
    await expectSdkError(a.deleteOrganizationRole(org.id, 'org-viewer'), ConflictException, 409);

    // Revocation is effective on the very next check.
    await a.removeRole({ organizationMembershipId: alice.id, roleSlug: 'org-viewer', resourceId: root.id });
    assert.equal(await check(alice.id, 'projects:view', leaf.id), false);
    await expectSdkError(a.removeRole({ organizationMembershipId: alice.id, roleSlug: 'org-viewer', resourceId: root.id }), NotFoundException, 404);
    await a.deleteOrganizationRole(org.id, 'org-viewer');

    // Removing a permission from a role is effective on the next check too.
    await a.removeOrganizationRolePermission(org.id, 'org-editor', { permissionSlug: 'projects:edit' });
    assert.equal(await check(bob.id, 'projects:edit', leaf.id), false);
    const bobGrant = (await a.listRoleAssignments({ organizationMembershipId: bob.id })).data[0]!;
    await a.removeRoleAssignment({ organizationMembershipId: bob.id, roleAssignmentId: bobGrant.id });
    assert.equal(await check(bob.id, 'projects:view', leaf.id), false);
    // These checks were answered from the service's in-memory index, which each change above dropped.
    const metrics = await fetch(`http://127.0.0.1:${e.stack.port('authorization')}/metrics`).then((r) => r.text());
    assert.match(metrics, /authz_checks_total\{source="memory"\} [1-9]/);

    // A resource with children is kept unless cascade_delete is set; then its whole subtree goes.
    await expectSdkError(a.deleteResource({ resourceId: chain[3]!.id }), ConflictException, 409);
    await a.deleteResource({ resourceId: chain[3]!.id, cascadeDelete: true });
    await expectSdkError(a.getResource(leaf.id), NotFoundException, 404);
    await a.deleteResourceByExternalId({ organizationId: org.id, resourceTypeSlug: 'folder', externalId: 'f-3', cascadeDelete: false });
    await expectSdkError(a.getResource(chain[2]!.id), NotFoundException, 404);
  });

  test('an organization-wide role from the membership grants on every resource of its organization only', async () => {
    const a = w.authorization;
    await a.createPermission({ slug: 'reports:read', name: 'Read reports' });
    await a.createEnvironmentRole({ slug: 'auditor', name: 'Auditor' });
    await a.setEnvironmentRolePermissions('auditor', { permissions: ['reports:read'] });
    const acme = await w.organizations.createOrganization({ name: `Acme ${tag}` });
    const globex = await w.organizations.createOrganization({ name: `Globex ${tag}` });
    const report = await a.createResource({ organizationId: acme.id, resourceTypeSlug: 'report', externalId: 'r-1', name: 'Q1' });
    const globexReport = await a.createResource({ organizationId: globex.id, resourceTypeSlug: 'report', externalId: 'r-1', name: 'Q1' });
    const carol = await member(acme.id, 'carol', 'auditor');
    assert.equal((await a.check({ organizationMembershipId: carol.id, permissionSlug: 'reports:read', resourceId: report.id })).authorized, true);
    // Another organization's resource is not found through this membership, whatever its ID.
    await expectSdkError(a.check({ organizationMembershipId: carol.id, permissionSlug: 'reports:read', resourceId: globexReport.id }), NotFoundException, 404);
    const listed = await a.listResourcesForMembership({ organizationMembershipId: carol.id, permissionSlug: 'reports:read' } as never);
    assert.deepEqual(listed.data.map((r) => r.id), [report.id]);
    // A deactivated membership is granted nothing.
    await w.userManagement.deactivateOrganizationMembership(carol.id);
    await waitFor(async () => !(await a.check({ organizationMembershipId: carol.id, permissionSlug: 'reports:read', resourceId: report.id })).authorized, {
      timeoutMs: 30_000,
      message: 'the deactivation to reach authorization',
    });
  });

  test('groups: CRUD, members, group role assignments granting their members, listGroupsForOrganizationMembership, events', async () => {
    const g = w.groups;
    const a = w.authorization;
    const org = await w.organizations.createOrganization({ name: `Groups ${tag}` });
    const elsewhere = await w.organizations.createOrganization({ name: `Elsewhere ${tag}` });
    await a.createPermission({ slug: 'wiki:edit', name: 'Edit the wiki' });
    await a.createOrganizationRole(org.id, { slug: 'org-wiki-editor', name: 'Wiki editor' });
    await a.setOrganizationRolePermissions(org.id, 'org-wiki-editor', { permissions: ['wiki:edit'] });
    const wiki = await a.createResource({ organizationId: org.id, resourceTypeSlug: 'space', externalId: 'wiki', name: 'Wiki' });
    const page = await a.createResource({ organizationId: org.id, resourceTypeSlug: 'page', externalId: 'home', name: 'Home', parentResourceId: wiki.id });
    const erin = await member(org.id, 'erin');
    const outsider = await member(elsewhere.id, 'outsider');

    const group = await g.createGroup({ organizationId: org.id, name: 'Writers', description: 'They write' });
    assert.equal(group.object, 'group');
    assert.match(group.id, /^group_/);
    assert.equal(group.organizationId, org.id);
    assert.equal((await g.getGroup({ organizationId: org.id, groupId: group.id })).name, 'Writers');
    const renamed = await g.updateGroup({ organizationId: org.id, groupId: group.id, name: 'Authors' });
    assert.equal(renamed.name, 'Authors');
    assert.equal(renamed.description, 'They write');
    await g.createGroup({ organizationId: org.id, name: 'Readers' });
    assert.deepEqual((await g.listGroups({ organizationId: org.id })).data.map((x) => x.name).sort(), ['Authors', 'Readers']);
    await expectSdkError(g.getGroup({ organizationId: elsewhere.id, groupId: group.id }), NotFoundException, 404);

    assert.equal((await g.addOrganizationMembership({ organizationId: org.id, groupId: group.id, organizationMembershipId: erin.id })).id, group.id);
    await expectSdkError(g.addOrganizationMembership({ organizationId: org.id, groupId: group.id, organizationMembershipId: outsider.id }), UnprocessableEntityException, 422);
    assert.deepEqual((await g.listOrganizationMemberships({ organizationId: org.id, groupId: group.id })).data.map((m) => m.id), [erin.id]);
    assert.deepEqual((await w.userManagement.listGroupsForOrganizationMembership({ organizationMembershipId: erin.id })).data.map((x) => x.id), [group.id]);

    // A group's grant reaches its members, down the tree, and shows in their assignments with its source.
    const check = () => a.check({ organizationMembershipId: erin.id, permissionSlug: 'wiki:edit', resourceId: page.id }).then((r) => r.authorized);
    assert.equal(await check(), false);
    const gra = await a.createGroupRoleAssignment({ groupId: group.id, roleSlug: 'org-wiki-editor', resourceId: wiki.id });
    assert.equal(gra.object, 'group_role_assignment');
    assert.match(gra.id, /^gra_/);
    assert.equal(gra.groupId, group.id);
    assert.equal(await check(), true);
    const viaGroup = (await a.listRoleAssignments({ organizationMembershipId: erin.id })).data;
    assert.deepEqual(viaGroup.map((x) => [x.source.type, x.source.groupRoleAssignmentId]), [['group', gra.id]]);
    assert.equal((await a.getGroupRoleAssignment({ groupId: group.id, roleAssignmentId: gra.id })).role.slug, 'org-wiki-editor');
    assert.deepEqual((await a.listGroupRoleAssignments({ groupId: group.id })).data.map((x) => x.id), [gra.id]);
    await expectSdkError(a.deleteOrganizationRole(org.id, 'org-wiki-editor'), ConflictException, 409);

    // Leaving the group revokes on the next check; rejoining restores.
    await g.removeOrganizationMembership({ organizationId: org.id, groupId: group.id, organizationMembershipId: erin.id });
    assert.equal(await check(), false);
    await g.addOrganizationMembership({ organizationId: org.id, groupId: group.id, organizationMembershipId: erin.id });
    assert.equal(await check(), true);

    await a.removeGroupRoleAssignment({ groupId: group.id, roleAssignmentId: gra.id });
    assert.equal(await check(), false);
    const replaced = await a.replaceGroupRoleAssignments({ groupId: group.id, roleAssignments: [{ roleSlug: 'org-wiki-editor', resourceExternalId: 'home', resourceTypeSlug: 'page' }] });
    assert.equal(replaced.data.length, 1);
    assert.equal(replaced.data[0]!.resource.id, page.id);
    assert.equal(await check(), true);
    await a.removeGroupRoleAssignments({ groupId: group.id, roleSlug: 'org-wiki-editor', resourceId: page.id });
    assert.equal(await check(), false);

    await g.deleteGroup({ organizationId: org.id, groupId: group.id });
    await expectSdkError(g.getGroup({ organizationId: org.id, groupId: group.id }), NotFoundException, 404);
    assert.deepEqual((await w.userManagement.listGroupsForOrganizationMembership({ organizationMembershipId: erin.id })).data, []);

    const types = ['group.created', 'group.updated', 'group.deleted', 'group.member_added', 'group.member_removed'] as EventName[];
    const events = await waitForEvents(w, types, (evs) => evs.some((x) => x.event === ('group.deleted' as EventName)));
    for (const t of types) assert.ok(events.some((x) => x.event === t), `event ${t}`);
  });

  test('identity: role slugs validated against the catalogue; tokens carry role, roles and permissions, fresh after a refresh', async () => {
    const a = w.authorization;
    const um = w.userManagement;
    const org = await w.organizations.createOrganization({ name: `Claims ${tag}` });
    await a.createPermission({ slug: 'claims:one', name: 'One' });
    await a.createPermission({ slug: 'claims:two', name: 'Two' });
    await a.createOrganizationRole(org.id, { slug: 'org-claims', name: 'Claims' });
    await a.setOrganizationRolePermissions(org.id, 'org-claims', { permissions: ['claims:one'] });
    const password = `pw-${tag}-Secret!42`;
    const email = `frank-${tag}@example.com`;
    const user = await um.createUser({ email, password });

    // Unknown slugs are refused on create and on update, and change nothing.
    await expectSdkError(um.createOrganizationMembership({ organizationId: org.id, userId: user.id, roleSlug: 'no-such-role' }), UnprocessableEntityException, 422);
    const m = await um.createOrganizationMembership({ organizationId: org.id, userId: user.id, roleSlugs: ['org-claims', 'member'] });
    await expectSdkError(um.updateOrganizationMembership(m.id, { roleSlug: 'ghost' }), UnprocessableEntityException, 422);
    assert.deepEqual((await um.getOrganizationMembership(m.id)).roles?.map((r) => r.slug), ['org-claims', 'member']);
    await expectSdkError(um.sendInvitation({ email: `inv-${tag}@example.com`, organizationId: org.id, roleSlug: 'ghost' }), UnprocessableEntityException, 422);
    assert.equal((await um.sendInvitation({ email: `inv-${tag}@example.com`, organizationId: org.id, roleSlug: 'org-claims' })).roleSlug, 'org-claims');

    const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { role: string; roles: string[]; permissions: string[]; org_id: string };
    const signIn = await um.authenticateWithPassword({ clientId: e.creds.client_id, email, password });
    const first = claimsOf(signIn.accessToken);
    assert.equal(first.org_id, org.id);
    // Environment roles outrank organization roles; permissions are the union of both roles'.
    assert.equal(first.role, 'member');
    assert.deepEqual(first.roles, ['member', 'org-claims']);
    assert.ok(first.permissions.includes('claims:one'));
    assert.ok(!first.permissions.includes('claims:two'));

    // A permission added to the role shows up in the next token once identity has consumed the event.
    await a.addOrganizationRolePermission(org.id, 'org-claims', { permissionSlug: 'claims:two' });
    let refreshToken = signIn.refreshToken;
    const refreshed = await waitFor(
      async () => {
        const r = await um.authenticateWithRefreshToken({ clientId: e.creds.client_id, refreshToken });
        refreshToken = r.refreshToken;
        const c = claimsOf(r.accessToken);
        return c.permissions.includes('claims:two') ? c : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, message: 'the new permission in a refreshed token' },
    );
    assert.ok(refreshed.permissions.includes('claims:one'));

    // A role change on the membership is in the next token too (the cache is keyed by the slugs).
    await um.updateOrganizationMembership(m.id, { roleSlug: 'org-claims' });
    const after = claimsOf((await um.authenticateWithRefreshToken({ clientId: e.creds.client_id, refreshToken })).accessToken);
    assert.equal(after.role, 'org-claims');
    assert.deepEqual(after.roles, ['org-claims']);
    assert.deepEqual(after.permissions, ['claims:one', 'claims:two']);
  });

  test('bad input is a WorkOS-shaped 4xx that writes nothing, never a 500', async () => {
    const org = await w.organizations.createOrganization({ name: `Bad ${tag}` });
    const om = (await member(org.id, 'grace')).id;
    const cases: [string, string, unknown][] = [
      ['POST', '/authorization/permissions', { slug: 'x'.repeat(200), name: 'long' }],
      ['POST', '/authorization/permissions', { slug: 'ok:slug', name: '' }],
      ['POST', '/authorization/permissions', { slug: 42, name: 'n' }],
      ['POST', '/authorization/roles', { name: 'no slug' }],
      ['PUT', '/authorization/roles/admin/permissions', { permissions: 'documents:read' }],
      ['POST', `/authorization/organizations/${org.id}/roles`, { name: 'x'.repeat(300) }],
      ['POST', '/authorization/resources', { organization_id: org.id, resource_type_slug: 'Bad Type', external_id: 'e', name: 'n' }],
      ['POST', '/authorization/resources', { organization_id: org.id, resource_type_slug: 'doc', external_id: 'e', name: 'n', parent_resource_id: 'authz_resource_01HZZZZZZZZZZZZZZZZZZZZZZZ', parent_resource_type_slug: 'doc' }],
      ['POST', `/authorization/organization_memberships/${om}/check`, { permission_slug: 'documents:read' }],
      ['POST', `/authorization/organization_memberships/${om}/check`, { permission_slug: 'documents:read', resource_id: 'authz_resource_x', resource_type_slug: 'doc' }],
      ['POST', `/authorization/organization_memberships/${om}/role_assignments`, { role_slug: 'admin', resource_external_id: 'nope', resource_type_slug: 'doc' }],
      ['POST', '/authorization/organization_memberships/om_bogus/check', { permission_slug: 'documents:read', resource_id: 'authz_resource_x' }],
      ['GET', `/authorization/organization_memberships/${om}/resources?limit=1000&permission_slug=documents:read`, undefined],
      ['GET', `/authorization/resources/authz_resource_x/organization_memberships?permission_slug=documents:read&assignment=sideways`, undefined],
      ['DELETE', '/authorization/resources/authz_resource_x?cascade_delete=maybe', undefined],
      ['POST', `/organizations/${org.id}/groups`, { name: '' }],
      ['POST', `/organizations/${org.id}/groups/group_bogus/organization-memberships`, { organization_membership_id: om }],
      ['PUT', '/authorization/groups/group_bogus/role_assignments', { role_assignments: [{ role_slug: 'admin' }] }],
    ];
    for (const [method, path, body] of cases) {
      const r = await e.http(method, path, { key: true, ...(body === undefined ? {} : { body }) });
      assert.ok(r.status >= 400 && r.status < 500, `${method} ${path} -> ${r.status} ${r.text.slice(0, 200)}`);
      assert.equal(typeof (r.json as { message?: unknown }).message, 'string', `${method} ${path} has a WorkOS message`);
    }
    // Nothing was written by the refused creates.
    assert.equal((await w.authorization.listResources({ organizationId: org.id })).data.length, 0);
    assert.equal((await w.groups.listGroups({ organizationId: org.id })).data.length, 0);
  });

  test('a deleted organization takes its resources, groups and organization roles with it', async () => {
    const a = w.authorization;
    const org = await w.organizations.createOrganization({ name: `Doomed ${tag}` });
    await a.createOrganizationRole(org.id, { slug: 'org-doomed', name: 'Doomed' });
    const r = await a.createResource({ organizationId: org.id, resourceTypeSlug: 'doc', externalId: 'd', name: 'D' });
    const group = await w.groups.createGroup({ organizationId: org.id, name: 'Doomed group' });
    await a.createGroupRoleAssignment({ groupId: group.id, roleSlug: 'org-doomed', resourceId: r.id });
    await w.organizations.deleteOrganization(org.id);
    await waitFor(() => a.getResource(r.id).then(() => false, (err: { status?: number }) => err.status === 404), { timeoutMs: 30_000, message: 'the resource to go with its organization' });
    await expectSdkError(a.getOrganizationRole(org.id, 'org-doomed'), NotFoundException, 404);
    await expectSdkError(w.groups.getGroup({ organizationId: org.id, groupId: group.id }), NotFoundException, 404);
    await waitForEvents(w, ['organization_role.deleted', 'group.deleted'] as EventName[], (evs) =>
      evs.some((x) => (x.data as { slug?: string }).slug === 'org-doomed') && evs.some((x) => (x.data as { id?: string }).id === group.id),
    );
  });

  test('environments are isolated: another environment sees none of this one', async () => {
    const other = e.client((await e.createEnvironment(`authz-other-${tag}`)).api_key);
    const org = await w.organizations.createOrganization({ name: `Iso ${tag}` });
    const r = await w.authorization.createResource({ organizationId: org.id, resourceTypeSlug: 'doc', externalId: 'd-1', name: 'Doc' });
    const dave = await member(org.id, 'dave');
    await expectSdkError(other.authorization.getPermission('documents:read'), NotFoundException, 404);
    await expectSdkError(other.authorization.getEnvironmentRole('admin'), NotFoundException, 404);
    await expectSdkError(other.authorization.getResource(r.id), NotFoundException, 404);
    await expectSdkError(other.authorization.check({ organizationMembershipId: dave.id, permissionSlug: 'documents:read', resourceId: r.id }), NotFoundException, 404);
    await expectSdkError(other.authorization.listRoleAssignments({ organizationMembershipId: dave.id }), NotFoundException, 404);
    assert.equal((await other.authorization.listEnvironmentRoles()).data.length, 0);
    assert.equal((await other.authorization.listPermissions()).data.length, 0);
    // The same slug may exist in both environments without conflict.
    await other.authorization.createPermission({ slug: 'documents:read', name: 'Theirs' });
    assert.equal((await w.authorization.getPermission('documents:read')).name, 'Read docs');
    assert.ok((await listAllEvents(other, ['permission.created' as EventName])).every((x) => (x.data as { name: string }).name === 'Theirs'));
  });

  /* ---- Ours beyond the SDK: priority, the default role, and what uses it ---- */

  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { role: string; roles: string[]; permissions: string[] };

  test('role priority is reordered per scope (ours), with events; a refreshed token follows the new order', async () => {
    const a = w.authorization;
    const um = w.userManagement;
    const org = await w.organizations.createOrganization({ name: `Priority ${tag}` });
    const original = (await a.listEnvironmentRoles()).data.map((r) => r.slug);
    assert.ok(original.indexOf('admin') < original.indexOf('member'));
    const password = `pw-${tag}-Secret!42`;
    const user = await um.createUser({ email: `prio-${tag}@example.com`, password });
    await um.createOrganizationMembership({ organizationId: org.id, userId: user.id, roleSlugs: ['member', 'admin'] });
    const signIn = await um.authenticateWithPassword({ clientId: e.creds.client_id, email: user.email, password });
    assert.equal(claimsOf(signIn.accessToken).role, 'admin');

    const reversed = [...original].reverse();
    const put = await e.http('PUT', '/authorization/roles/priority', { key: true, body: { role_slugs: reversed } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual((put.json as { data: { slug: string }[] }).data.map((r) => r.slug), reversed);
    assert.deepEqual((await a.listEnvironmentRoles()).data.map((r) => r.slug), reversed);

    // An order must name every role of its scope once; a refused one changes nothing.
    for (const [body, code] of [
      [{ role_slugs: reversed.slice(1) }, 'order_incomplete'],
      [{ role_slugs: [...reversed, 'ghost'] }, 'order_unknown_role'],
      [{ role_slugs: [...reversed, reversed[0]] }, 'order_duplicate'],
      [{ role_slugs: [] }, undefined],
    ] as const) {
      const r = await e.http('PUT', '/authorization/roles/priority', { key: true, body });
      assert.equal(r.status, 422, `${JSON.stringify(body)} -> ${r.status}`);
      if (code) assert.equal((r.json as { errors: { code: string }[] }).errors[0]!.code, code);
    }
    assert.deepEqual((await a.listEnvironmentRoles()).data.map((r) => r.slug), reversed);

    // The primary role follows priority in the first token after identity consumes the role.updated events.
    let refreshToken = signIn.refreshToken;
    await waitFor(
      async () => {
        const r = await um.authenticateWithRefreshToken({ clientId: e.creds.client_id, refreshToken });
        refreshToken = r.refreshToken;
        return claimsOf(r.accessToken).role === 'member';
      },
      { timeoutMs: 30_000, intervalMs: 250, message: 'member to outrank admin in a refreshed token' },
    );

    // An organization orders its own roles; environment roles stay ahead, and are not its to order.
    await a.createOrganizationRole(org.id, { slug: 'org-first', name: 'First' });
    await a.createOrganizationRole(org.id, { slug: 'org-second', name: 'Second' });
    const orgPut = await e.http('PUT', `/authorization/organizations/${org.id}/roles/priority`, { key: true, body: { role_slugs: ['org-second', 'org-first'] } });
    assert.equal(orgPut.status, 200, orgPut.text);
    assert.deepEqual((await a.listOrganizationRoles(org.id)).data.map((r) => r.slug), [...reversed, 'org-second', 'org-first']);
    const refused = await e.http('PUT', `/authorization/organizations/${org.id}/roles/priority`, { key: true, body: { role_slugs: ['org-second', 'org-first', 'admin'] } });
    assert.equal(refused.status, 422);
    await waitForEvents(w, ['organization_role.updated'] as EventName[], (evs) =>
      evs.some((x) => (x.data as { slug?: string }).slug === 'org-second' && JSON.stringify(x.data).includes(org.id)),
    );

    const back = await e.http('PUT', '/authorization/roles/priority', { key: true, body: { role_slugs: original } });
    assert.equal(back.status, 200, back.text);
  });

  test('a just-in-time membership through the organization\'s SSO connection gets the environment\'s default role', async () => {
    const a = w.authorization;
    await a.createPermission({ slug: 'jit:read', name: 'JIT read' });
    await a.createEnvironmentRole({ slug: 'jit-member', name: 'JIT member' });
    await a.setEnvironmentRolePermissions('jit-member', { permissions: ['jit:read'] });
    const set = await e.http('PUT', '/authorization/roles/default', { key: true, body: { role_slug: 'jit-member' } });
    assert.equal(set.status, 200, set.text);
    assert.equal((await e.http('PUT', '/authorization/roles/default', { key: true, body: { role_slug: 'ghost' } })).status, 404);

    const domain = `jit-${tag}.example`;
    const org = await w.organizations.createOrganization({ name: `JIT ${tag}`, domainData: [{ domain, state: DomainDataState.Verified }] });
    const idp = await TestSamlIdp.start();
    try {
      const created = await e.http('POST', '/connections', {
        key: true,
        body: { name: 'Okta', connection_type: 'OktaSAML', organization_id: org.id, domains: [domain], saml: { idp_metadata_xml: idp.metadataXml() }, activate: true },
      });
      assert.equal(created.status, 201, created.text);
      const connectionId = (created.json as { id: string }).id;
      idp.trust(((await e.http('GET', `/connections/${connectionId}/sp_metadata`, { key: true })).json as { metadata_xml: string }).metadata_xml);
      idp.user = { nameId: `jo@${domain}`, attributes: { email: `jo@${domain}`, firstName: 'Jo' } };
      const result = await new Browser().browse(w.userManagement.getAuthorizationUrl({ connectionId, redirectUri: APP, clientId: e.creds.client_id }), APP);
      assert.ok(result.landed, `did not land: ${result.status} ${result.body.slice(0, 300)}`);
      const auth = await w.userManagement.authenticateWithCode({ code: result.landed.searchParams.get('code')!, clientId: e.creds.client_id });
      assert.equal(auth.organizationId, org.id);
      const [membership] = (await w.userManagement.listOrganizationMemberships({ userId: auth.user.id })).data;
      assert.deepEqual(membership!.roles?.map((r) => r.slug), ['jit-member']);
      const claims = claimsOf(auth.accessToken);
      assert.equal(claims.role, 'jit-member');
      assert.deepEqual(claims.permissions, ['jit:read']);
    } finally {
      await idp.close();
    }
  });

  test("an invitation's role is validated again when accepted: one deleted meanwhile gives way to the default role", async () => {
    const a = w.authorization;
    const um = w.userManagement;
    const org = await w.organizations.createOrganization({ name: `Invites ${tag}` });
    assert.equal((await e.http('PUT', '/authorization/roles/default', { key: true, body: { role_slug: 'jit-member' } })).status, 200);
    await a.createOrganizationRole(org.id, { slug: 'org-temp', name: 'Temporary' });
    const gone = await um.sendInvitation({ email: `gone-${tag}@example.com`, organizationId: org.id, roleSlug: 'org-temp' });
    const kept = await um.sendInvitation({ email: `kept-${tag}@example.com`, organizationId: org.id, roleSlug: 'admin' });
    await a.deleteOrganizationRole(org.id, 'org-temp');
    const goneUser = await um.createUser({ email: `gone-${tag}@example.com` });
    const keptUser = await um.createUser({ email: `kept-${tag}@example.com` });
    assert.equal((await um.acceptInvitation(gone.id)).state, 'accepted');
    assert.equal((await um.acceptInvitation(kept.id)).state, 'accepted');
    const roleOf = async (userId: string) => (await um.listOrganizationMemberships({ userId, organizationId: org.id })).data[0]!.roles?.map((r) => r.slug);
    assert.deepEqual(await roleOf(goneUser.id), ['jit-member']);
    assert.deepEqual(await roleOf(keptUser.id), ['admin']);
  });

  test("a role's resource type must fit the resource it is assigned on (422); organization roles fit any", async () => {
    const a = w.authorization;
    const org = await w.organizations.createOrganization({ name: `Types ${tag}` });
    await a.createPermission({ slug: 'folders:open', name: 'Open folders', resourceTypeSlug: 'folder' });
    const folderRole = await a.createEnvironmentRole({ slug: 'folder-opener', name: 'Folder opener', resourceTypeSlug: 'folder' });
    assert.equal(folderRole.resourceTypeSlug, 'folder');
    await a.setEnvironmentRolePermissions('folder-opener', { permissions: ['folders:open'] });
    const workspace = await a.createResource({ organizationId: org.id, resourceTypeSlug: 'workspace', externalId: 'w', name: 'W' });
    const folder = await a.createResource({ organizationId: org.id, resourceTypeSlug: 'folder', externalId: 'f', name: 'F', parentResourceId: workspace.id });
    const m = await member(org.id, 'typed');
    const mismatch = await e.http('POST', `/authorization/organization_memberships/${m.id}/role_assignments`, { key: true, body: { role_slug: 'folder-opener', resource_id: workspace.id } });
    assert.equal(mismatch.status, 422);
    assert.equal((mismatch.json as { errors: { code: string }[] }).errors[0]!.code, 'role_resource_type_mismatch');
    assert.deepEqual((await a.listRoleAssignments({ organizationMembershipId: m.id })).data, []);
    await a.assignRole({ organizationMembershipId: m.id, roleSlug: 'folder-opener', resourceId: folder.id });
    assert.equal((await a.check({ organizationMembershipId: m.id, permissionSlug: 'folders:open', resourceId: folder.id })).authorized, true);
    await a.assignRole({ organizationMembershipId: m.id, roleSlug: 'admin', resourceId: workspace.id });

    const group = await w.groups.createGroup({ organizationId: org.id, name: 'Typed' });
    await expectSdkError(a.createGroupRoleAssignment({ groupId: group.id, roleSlug: 'folder-opener', resourceId: workspace.id }), UnprocessableEntityException, 422);
    await expectSdkError(a.replaceGroupRoleAssignments({ groupId: group.id, roleAssignments: [{ roleSlug: 'folder-opener', resourceId: workspace.id }] }), UnprocessableEntityException, 422);
    assert.deepEqual((await a.listGroupRoleAssignments({ groupId: group.id })).data, []);
    assert.equal((await a.createGroupRoleAssignment({ groupId: group.id, roleSlug: 'folder-opener', resourceId: folder.id })).resource.id, folder.id);
  });

  test('organization IDs are checked with the organizations service: an unknown or foreign one is a 404 that writes nothing', async () => {
    const a = w.authorization;
    const other = e.client((await e.createEnvironment(`authz-orgs-${tag}`)).api_key);
    const foreign = await other.organizations.createOrganization({ name: `Foreign ${tag}` });
    for (const orgId of ['org_01ARZ3NDEKTSV4RRFFQ69G5FAV', foreign.id, 'not-an-org']) {
      await expectSdkError(a.createOrganizationRole(orgId, { slug: 'org-nope', name: 'Nope' }), NotFoundException, 404);
      await expectSdkError(a.createResource({ organizationId: orgId, resourceTypeSlug: 'doc', externalId: 'x', name: 'X' }), NotFoundException, 404);
      await expectSdkError(w.groups.createGroup({ organizationId: orgId, name: 'Nope' }), NotFoundException, 404);
    }
    assert.equal((await other.authorization.listResources({ organizationId: foreign.id })).data.length, 0);
    assert.equal((await a.listResources({ organizationId: foreign.id })).data.length, 0);
  });

  test('the role slug migration backfills memberships authorization never saw and makes their free-form slugs catalogue roles', async () => {
    const a = w.authorization;
    const um = w.userManagement;
    const org = await w.organizations.createOrganization({ name: `Legacy ${tag}` });
    const elsewhere = await w.organizations.createOrganization({ name: `Has org-ops ${tag}` });
    await a.createOrganizationRole(elsewhere.id, { slug: 'org-ops', name: 'Ops' });
    const m1 = await member(org.id, 'legacy-one');
    const m2 = await member(org.id, 'legacy-two');
    // As before the catalogue and before authorization ran: free-form slugs, never projected.
    await sql(e.stack.databaseUrl('identity'), `UPDATE organization_memberships SET role_slugs = $2 WHERE id = $1`, [m1.id, ['legacy-editor']]);
    await sql(e.stack.databaseUrl('identity'), `UPDATE organization_memberships SET role_slugs = $2 WHERE id = $1`, [m2.id, ['org-ops', 'member']]);
    await sql(e.stack.databaseUrl('authorization'), 'DELETE FROM authz_memberships WHERE id = ANY($1)', [[m1.id, m2.id]]);
    await expectSdkError(a.listRoleAssignments({ organizationMembershipId: m1.id }), NotFoundException, 404);
    await expectSdkError(um.updateOrganizationMembership(m1.id, { roleSlugs: ['legacy-editor', 'member'] }), UnprocessableEntityException, 422);

    let run: { state: string; memberships_backfilled: number; created_roles: { slug: string; organization_id: string | null }[] };
    let calls = 0;
    do {
      const r = await e.http('POST', '/authorization/role_slug_migration', { key: true, body: { max_pages: 1 } });
      assert.equal(r.status, 200, r.text);
      run = r.json as typeof run;
      calls++;
    } while (run.state !== 'completed' && calls < 50);
    assert.equal(run.state, 'completed');
    assert.ok(run.memberships_backfilled >= 2);
    assert.deepEqual(
      run.created_roles.filter((r) => r.slug === 'legacy-editor' || r.slug === 'org-ops'),
      [
        { slug: 'legacy-editor', organization_id: null },
        { slug: 'org-ops', organization_id: org.id },
      ],
    );

    // The roles grant nothing until given permissions; the memberships are known again.
    const legacy = await a.getEnvironmentRole('legacy-editor');
    assert.deepEqual(legacy.permissions, []);
    assert.equal(legacy.name, 'Legacy Editor');
    assert.equal((await a.getOrganizationRole(org.id, 'org-ops')).type, 'OrganizationRole');
    assert.deepEqual((await a.listRoleAssignments({ organizationMembershipId: m1.id })).data, []);
    assert.deepEqual((await a.listEffectivePermissions({ organizationMembershipId: m2.id, resourceId: (await a.createResource({ organizationId: org.id, resourceTypeSlug: 'doc', externalId: 'l', name: 'L' })).id })).data.map((p) => p.slug).sort(), ['documents:read']);
    await um.updateOrganizationMembership(m1.id, { roleSlugs: ['legacy-editor', 'member'] });

    // Run again, through the CLI: nothing more to create.
    const cli = await wos(['authorization', 'migrate-role-slugs', '--json', '--api-url', e.baseUrl, '--api-key', e.creds.api_key]);
    assert.equal(cli.code, 0, cli.stderr);
    const again = JSON.parse(cli.stdout) as typeof run;
    assert.equal(again.state, 'completed');
    assert.deepEqual(again.created_roles, []);
  });
});
