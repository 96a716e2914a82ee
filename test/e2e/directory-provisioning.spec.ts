import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { OrganizationMembership, WorkOS } from '@workos-inc/node';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { startE2e, type E2e } from '../support/e2e-stack';
import { ScimClient, patch, GROUP_SCHEMA, USER_SCHEMA } from '../support/scim-client';

/**
 * Directory provisioning: a directory that turned `user_provisioning` on makes its users AuthKit
 * users and members of its organization, and its group → role mappings grant and revoke the
 * catalogue's permissions through SCIM changes alone (issue 13).
 */
describe('Directory provisioning: SCIM users become AuthKit members whose roles follow their groups', () => {
  let e: E2e;
  let w: WorkOS;
  const tag = uniqueSuffix();
  const domain = `prov-${tag}.example`;

  before(async () => {
    e = await startE2e({ name: 'directory_provisioning', portOffset: 20500, apps: ['organizations', 'events', 'identity', 'authorization', 'directory-sync'] });
    w = e.workos;
    await w.authorization.createPermission({ slug: 'reports:read', name: 'Read reports' });
    await w.authorization.createEnvironmentRole({ slug: 'member', name: 'Member' });
    await w.authorization.createEnvironmentRole({ slug: 'auditor', name: 'Auditor' });
    await w.authorization.setEnvironmentRolePermissions('auditor', { permissions: ['reports:read'] });
  });
  after(async () => {
    await e?.stop();
  });

  async function organization(name: string, domains: { domain: string; state: string }[]): Promise<string> {
    const res = await e.http('POST', '/organizations', { key: true, body: { name, domain_data: domains } });
    assert.equal(res.status, 201, res.text);
    return (res.json as { id: string }).id;
  }

  async function directory(orgId: string, provisioning: boolean, groups = false): Promise<{ id: string; scim: ScimClient }> {
    const res = await e.http('POST', '/directories', { key: true, body: { organization_id: orgId, name: 'Okta', type: 'okta scim v2.0' } });
    assert.equal(res.status, 201, res.text);
    const dir = res.json as { id: string; base_url: string; bearer_token: string };
    if (provisioning) {
      const set = await e.http('PUT', `/directories/${dir.id}/provisioning`, { key: true, body: { enabled: true, ...(groups ? { groups } : {}) } });
      assert.deepEqual(set.json, { object: 'directory_provisioning', directory_id: dir.id, enabled: true, groups });
    }
    return { id: dir.id, scim: new ScimClient(dir.base_url, dir.bearer_token) };
  }

  async function membershipOf(orgId: string, email: string): Promise<OrganizationMembership | undefined> {
    const users = await w.userManagement.listUsers({ email });
    const user = users.data[0];
    if (!user) return undefined;
    return (await w.userManagement.listOrganizationMemberships({ organizationId: orgId, userId: user.id, statuses: ['active', 'inactive', 'pending'] })).data[0];
  }

  const waitForMembership = (orgId: string, email: string, ok: (m: OrganizationMembership) => boolean, message: string) =>
    waitFor(async () => {
      const m = await membershipOf(orgId, email);
      return m && ok(m) ? m : undefined;
    }, { timeoutMs: 60_000, message });

  test('only a directory that opted in provisions, and only addresses of a domain its organization verified', async () => {
    const orgId = await organization(`Prov ${tag}`, [{ domain, state: 'verified' }, { domain: `pending-${tag}.example`, state: 'pending' }]);
    const quiet = await directory(orgId, false);
    const dir = await directory(orgId, true);
    const user = (email: string, extra: Record<string, unknown> = {}) => ({ schemas: [USER_SCHEMA], userName: email, emails: [{ value: email, primary: true }], ...extra });
    await quiet.scim.expect(201, 'POST', '/Users', user(`quiet@${domain}`));
    await dir.scim.expect(201, 'POST', '/Users', user(`p@pending-${tag}.example`));
    await dir.scim.expect(201, 'POST', '/Users', user(`x@elsewhere-${tag}.example`));
    await dir.scim.expect(201, 'POST', '/Users', user(`ann@${domain}`, { name: { givenName: 'Ann', familyName: 'Lee' } }));

    // The organization's events share one partition in order: once Ann is in, the users before her were decided.
    const ann = await waitForMembership(orgId, `ann@${domain}`, (m) => m.status === 'active', 'Ann provisioned');
    assert.equal(ann.role.slug, 'member');
    const annUser = await w.userManagement.getUser(ann.userId);
    assert.deepEqual([annUser.firstName, annUser.lastName, annUser.emailVerified], ['Ann', 'Lee', true]);
    for (const email of [`p@pending-${tag}.example`, `x@elsewhere-${tag}.example`]) assert.equal((await w.userManagement.listUsers({ email })).data.length, 0, email);
    assert.equal((await w.userManagement.listUsers({ email: `quiet@${domain}` })).data.length, 0, 'provisioning is off by default');
    const off = await e.http('GET', `/directories/${quiet.id}/provisioning`, { key: true });
    assert.deepEqual(off.json, { object: 'directory_provisioning', directory_id: quiet.id, enabled: false, groups: false });
    assert.equal((await e.http('PUT', `/directories/${quiet.id}/provisioning`, { key: true, body: { enabled: 'yes' } })).status, 422);
    const groupsAlone = await e.http('PUT', `/directories/${quiet.id}/provisioning`, { key: true, body: { enabled: false, groups: true } });
    assert.equal(groupsAlone.status, 422, 'groups are kept only for provisioned users');
    assert.equal((groupsAlone.json as { errors: { field: string }[] }).errors[0]?.field, 'groups');
    assert.equal((await e.http('PUT', `/directories/directory_01HZZZZZZZZZZZZZZZZZZZZZZZ/provisioning`, { key: true, body: { enabled: true } })).status, 404);
  });

  test('a mapped group grants its role and the role\'s permissions through SCIM PATCHes, and takes them back', async () => {
    const orgId = await organization(`Groups ${tag}`, [{ domain: `g-${domain}`, state: 'verified' }]);
    const dir = await directory(orgId, true);
    const report = await w.authorization.createResource({ organizationId: orgId, resourceTypeSlug: 'report', externalId: 'q1', name: 'Q1' });
    const ben = await dir.scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: `ben@g-${domain}`, emails: [{ value: `ben@g-${domain}`, primary: true }] });
    const auditors = await dir.scim.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Auditors' });
    const ghost = await e.http('PUT', `/directories/${dir.id}/role_mappings`, { key: true, body: { role_mappings: [{ directory_group_id: auditors.id, role: 'ghost' }] } });
    assert.equal(ghost.status, 422, 'a mapping names a role of the catalogue');
    assert.equal((ghost.json as { errors: { code: string }[] }).errors[0]?.code, 'role_not_found');
    const mapped = await e.http('PUT', `/directories/${dir.id}/role_mappings`, { key: true, body: { role_mappings: [{ directory_group_id: auditors.id, role: 'auditor' }] } });
    assert.equal(mapped.status, 200, mapped.text);
    const m = await waitForMembership(orgId, `ben@g-${domain}`, () => true, 'Ben provisioned');
    const check = async () => (await w.authorization.check({ organizationMembershipId: m.id, permissionSlug: 'reports:read', resourceId: report.id })).authorized;

    await dir.scim.expect(200, 'PATCH', `/Groups/${auditors.id}`, patch({ op: 'add', path: 'members', value: [{ value: ben.id }] }));
    await waitForMembership(orgId, `ben@g-${domain}`, (x) => x.role.slug === 'auditor', 'the group role on the membership');
    await waitFor(check, { timeoutMs: 30_000, message: 'the grant to reach authorization' });

    await dir.scim.expect(200, 'PATCH', `/Groups/${auditors.id}`, patch({ op: 'remove', path: `members[value eq "${ben.id}"]` }));
    await waitForMembership(orgId, `ben@g-${domain}`, (x) => x.role.slug === 'member', 'the default role back');
    await waitFor(async () => !(await check()), { timeoutMs: 30_000, message: 'the revocation to reach authorization' });

    // Deactivated at the IdP: the membership goes inactive with its roles; deleted: it goes, the user stays.
    await dir.scim.expect(200, 'PATCH', `/Users/${ben.id}`, patch({ op: 'replace', path: 'active', value: false }));
    await waitForMembership(orgId, `ben@g-${domain}`, (x) => x.status === 'inactive', 'the membership deactivated');
    await dir.scim.expect(204, 'DELETE', `/Users/${ben.id}`);
    await waitFor(async () => (await membershipOf(orgId, `ben@g-${domain}`)) === undefined, { timeoutMs: 60_000, message: 'the membership removed' });
    assert.equal((await w.userManagement.getUser(m.userId)).email, `ben@g-${domain}`);
  });

  test('an existing user is linked, and a membership an admin granted is never changed by the directory', async () => {
    const d = `l-${domain}`;
    const orgId = await organization(`Link ${tag}`, [{ domain: d, state: 'verified' }]);
    const dir = await directory(orgId, true);
    const cara = await w.userManagement.createUser({ email: `cara@${d}` });
    const dan = await w.userManagement.createUser({ email: `dan@${d}` });
    const danByAdmin = await w.userManagement.createOrganizationMembership({ organizationId: orgId, userId: dan.id, roleSlug: 'auditor' });
    await dir.scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: `dan@${d}`, emails: [{ value: `dan@${d}`, primary: true }] });
    await dir.scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: `cara@${d}`, emails: [{ value: `cara@${d}`, primary: true }] });
    const caraM = await waitForMembership(orgId, `cara@${d}`, () => true, 'Cara linked');
    assert.equal(caraM.userId, cara.id, 'the existing user, not a new one');
    assert.equal((await w.userManagement.listUsers({ email: `cara@${d}` })).data.length, 1);
    const danNow = await membershipOf(orgId, `dan@${d}`);
    assert.deepEqual([danNow?.id, danNow?.role.slug], [danByAdmin.id, 'auditor']);
  });

  test('with `groups` on, the directory\'s groups become organization groups whose members and grants follow SCIM', async () => {
    const d = `grp-${domain}`;
    const orgId = await organization(`Kept groups ${tag}`, [{ domain: d, state: 'verified' }]);
    const dir = await directory(orgId, true, true);
    const plain = await directory(orgId, true);
    await w.authorization.createPermission({ slug: 'wiki:edit', name: 'Edit the wiki' });
    await w.authorization.createEnvironmentRole({ slug: 'wiki-editor', name: 'Wiki editor' });
    await w.authorization.setEnvironmentRolePermissions('wiki-editor', { permissions: ['wiki:edit'] });
    const wiki = await w.authorization.createResource({ organizationId: orgId, resourceTypeSlug: 'space', externalId: 'wiki', name: 'Wiki' });
    const scimUser = (email: string) => ({ schemas: [USER_SCHEMA], userName: email, emails: [{ value: email, primary: true }] });
    const eve = await dir.scim.expect(201, 'POST', '/Users', scimUser(`eve@${d}`));
    const fay = await dir.scim.expect(201, 'POST', '/Users', scimUser(`fay@${d}`));
    const stranger = await dir.scim.expect(201, 'POST', '/Users', scimUser(`stranger@unverified-${tag}.example`));
    const eveM = await waitForMembership(orgId, `eve@${d}`, () => true, 'Eve provisioned');
    const fayM = await waitForMembership(orgId, `fay@${d}`, () => true, 'Fay provisioned');

    // Created with members straight away (Entra does this): the group and both members follow.
    const eng = await dir.scim.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [{ value: eve.id }, { value: stranger.id }] });
    await plain.scim.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Not kept' });
    const kept = () => w.groups.listGroups({ organizationId: orgId }).then((l) => l.data);
    const group = await waitFor(async () => (await kept()).find((g) => g.name === 'Engineering'), { timeoutMs: 60_000, message: 'the kept group' });
    const members = () => w.groups.listOrganizationMemberships({ organizationId: orgId, groupId: group.id }).then((l) => l.data.map((m) => m.id).sort());
    await waitFor(async () => (await members()).join() === eveM.id || undefined, { timeoutMs: 60_000, message: 'Eve a member; the unverified address never is' });

    // A grant to the group reaches its members; a SCIM PATCH adds and removes them.
    await w.authorization.createGroupRoleAssignment({ groupId: group.id, roleSlug: 'wiki-editor', resourceId: wiki.id });
    const can = (m: string) => w.authorization.check({ organizationMembershipId: m, permissionSlug: 'wiki:edit', resourceId: wiki.id }).then((r) => r.authorized);
    assert.equal(await can(eveM.id), true);
    assert.equal(await can(fayM.id), false);
    await dir.scim.expect(200, 'PATCH', `/Groups/${eng.id}`, patch({ op: 'add', path: 'members', value: [{ value: fay.id }] }));
    await waitFor(() => can(fayM.id), { timeoutMs: 60_000, message: 'Fay granted through the group' });
    await dir.scim.expect(200, 'PATCH', `/Groups/${eng.id}`, patch({ op: 'remove', path: `members[value eq "${eve.id}"]` }));
    await waitFor(async () => !(await can(eveM.id)), { timeoutMs: 60_000, message: "Eve's grant revoked" });
    assert.deepEqual(await members(), [fayM.id]);
    assert.deepEqual((await w.userManagement.listGroupsForOrganizationMembership({ organizationMembershipId: fayM.id })).data.map((g) => g.id), [group.id]);

    // Renamed at the IdP, then deleted: the kept group follows, and its grant goes with it.
    await dir.scim.expect(200, 'PATCH', `/Groups/${eng.id}`, patch({ op: 'replace', path: 'displayName', value: 'Platform' }));
    await waitFor(async () => (await kept()).some((g) => g.id === group.id && g.name === 'Platform') || undefined, { timeoutMs: 60_000, message: 'the rename' });
    await dir.scim.expect(204, 'DELETE', `/Groups/${eng.id}`);
    await waitFor(async () => !(await kept()).some((g) => g.id === group.id) || undefined, { timeoutMs: 60_000, message: 'the kept group deleted' });
    assert.equal(await can(fayM.id), false);
    assert.ok(!(await kept()).some((g) => g.name === 'Not kept'), 'a directory without `groups` keeps none');
  });
});
