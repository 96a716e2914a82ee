import { describe, test, before, after } from 'node:test';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { join } from 'node:path';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { NotFoundException, UnprocessableEntityException, type Event, type EventName, type Organization } from '@workos-inc/node';
import { directoryGroupSchema, directorySchema, directoryUserWithGroupsSchema } from '@wos/contracts';
import { waitFor } from '@wos/platform/testing';
import { startE2e, expectSdkError, listAllEvents, waitForEvents, ROOT, type E2e } from '../support/e2e-stack';
import { ScimClient, patch, ENTERPRISE, ERROR_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../support/scim-client';

const PORT_OFFSET = 17000;
const DSYNC_EVENTS: EventName[] = [
  'dsync.activated',
  'dsync.deleted',
  'dsync.user.created',
  'dsync.user.updated',
  'dsync.user.deleted',
  'dsync.group.created',
  'dsync.group.updated',
  'dsync.group.deleted',
  'dsync.group.user_added',
  'dsync.group.user_removed',
];

interface Created {
  id: string;
  base_url: string;
  bearer_token: string;
  organization_id: string;
  state: string;
}

describe('Directory Sync: SCIM provisioning seen through the WorkOS SDK', () => {
  let e: E2e;

  before(async () => {
    e = await startE2e({
      name: 'directory-sync',
      portOffset: PORT_OFFSET,
      apps: ['organizations', 'events', 'directory-sync'],
    });
  });
  after(async () => {
    await e?.stop();
  });

  async function newDirectory(type = 'okta scim v2.0', name = 'Okta', apiKey: string | true = true): Promise<{ org: Organization; dir: Created; scim: ScimClient }> {
    const workos = apiKey === true ? e.workos : e.client(apiKey);
    const org = await workos.organizations.createOrganization({ name: `Org for ${name}` });
    const res = await e.http('POST', '/directories', { key: apiKey, body: { organization_id: org.id, name, type } });
    assert.equal(res.status, 201, res.text);
    const dir = res.json as Created;
    return { org, dir, scim: new ScimClient(dir.base_url, dir.bearer_token) };
  }

  /** The dsync events of one organization, oldest first, once `count` of them are stored. */
  function eventsOf(orgId: string, count: number): Promise<Event[]> {
    return waitForEvents(e.workos, DSYNC_EVENTS, (all) => all.filter((ev) => orgOf(ev) === orgId).length >= count, { timeoutMs: 120_000, message: `${count} dsync events of ${orgId}` }).then((all) =>
      all.filter((ev) => orgOf(ev) === orgId),
    );
  }

  test('the management API creates a directory for an existing organization only, with a SCIM URL and a one-time token', async () => {
    const { org, dir } = await newDirectory('generic scim v2.0', 'Generic');
    directorySchema.parse({ ...dir, base_url: undefined, bearer_token: undefined });
    assert.match(dir.id, /^directory_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(dir.base_url, `${e.baseUrl}/scim/v2/${dir.id}`);
    assert.ok(dir.bearer_token.length >= 40);
    assert.equal(dir.state, 'unlinked');

    const got = await e.workos.directorySync.getDirectory(dir.id);
    assert.equal(got.id, dir.id);
    assert.equal(got.organizationId, org.id);
    assert.equal(got.type, 'generic scim v2.0');
    assert.equal(got.state, 'inactive'); // the SDK maps unlinked → inactive
    assert.ok(!JSON.stringify(got).includes(dir.bearer_token), 'the token is never read back');

    const listed = await e.workos.directorySync.listDirectories({ organizationId: org.id });
    assert.deepEqual(listed.data.map((d) => d.id), [dir.id]);
    const searched = await e.workos.directorySync.listDirectories({ search: 'Generi' });
    assert.ok(searched.data.some((d) => d.id === dir.id));
    assert.ok(!(await e.workos.directorySync.listDirectories({ search: 'no-such-directory-name' })).data.length);

    const missingOrg = await e.http('POST', '/directories', { key: true, body: { organization_id: 'org_01ARZ3NDEKTSV4RRFFQ69G5FAV', name: 'x', type: 'okta scim v2.0' } });
    assert.equal(missingOrg.status, 422);
    const badType = await e.http('POST', '/directories', { key: true, body: { organization_id: org.id, name: 'x', type: 'ldap' } });
    assert.equal(badType.status, 422);
    await expectSdkError(e.workos.directorySync.getDirectory('directory_01ARZ3NDEKTSV4RRFFQ69G5FAV'), NotFoundException, 404);
  });

  test('an Okta-shaped provisioning run: lookup, create, update, deactivate, reactivate, group push, membership, delete', async () => {
    const { org, dir, scim } = await newDirectory('okta scim v2.0', 'Okta');
    // Okta's connection test and its lookup before create.
    const empty = await scim.expect(200, 'GET', '/Users?filter=userName%20eq%20%22jane%40acme.test%22&startIndex=1&count=100');
    assert.equal(empty.totalResults, 0);
    const jane = await scim.expect(201, 'POST', '/Users', {
      schemas: [USER_SCHEMA, ENTERPRISE],
      userName: 'jane@acme.test',
      name: { givenName: 'Jane', familyName: 'Doe' },
      emails: [{ primary: true, value: 'jane@acme.test', type: 'work' }],
      displayName: 'Jane Doe',
      locale: 'en-US',
      externalId: '00u1okta',
      groups: [],
      password: 'never-stored',
      active: true,
      title: 'Engineer',
      [ENTERPRISE]: { department: 'R&D', employeeNumber: '42', manager: { value: 'boss-1' } },
    });
    assert.ok(!JSON.stringify(jane).includes('never-stored'));
    const john = await scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'john@acme.test', name: { givenName: 'John', familyName: 'Roe' }, emails: [{ primary: true, value: 'john@acme.test' }], active: true });
    const found = await scim.expect(200, 'GET', `/Users?filter=${encodeURIComponent('userName eq "JANE@acme.test"')}`);
    assert.equal(found.totalResults, 1);
    assert.equal(found.Resources[0].id, jane.id);

    // Okta updates profiles with PUT and deactivates with a path-less PATCH.
    await scim.expect(200, 'PUT', `/Users/${jane.id}`, { ...jane, name: { givenName: 'Janet', familyName: 'Doe' }, meta: undefined });
    await scim.expect(200, 'PATCH', `/Users/${jane.id}`, patch({ op: 'replace', value: { active: false } }));
    let view = await e.workos.directorySync.getUser(jane.id);
    assert.equal(view.state, 'inactive');
    await scim.expect(200, 'PATCH', `/Users/${jane.id}`, patch({ op: 'replace', value: { active: true } }));

    // Group push: create empty, add members, remove one by filter, rename.
    const eng = await scim.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [] });
    const slim = await scim.expect(200, 'PATCH', `/Groups/${eng.id}?excludedAttributes=members`, patch({ op: 'add', path: 'members', value: [{ value: jane.id }, { value: john.id }] }));
    assert.equal(slim.members, undefined);
    const afterAdd = await scim.call('GET', `/Groups/${eng.id}`);
    assert.deepEqual(afterAdd.body.members.map((m: { value: string }) => m.value).sort(), [jane.id, john.id].sort());
    await scim.expect(200, 'PATCH', `/Groups/${eng.id}`, patch({ op: 'remove', path: `members[value eq "${john.id}"]` }));
    await scim.expect(200, 'PATCH', `/Groups/${eng.id}`, patch({ op: 'replace', value: { id: eng.id, displayName: 'Engineering Team' } }));

    // The WorkOS view through the SDK.
    view = await e.workos.directorySync.getUser(jane.id);
    directoryUserWithGroupsSchema.parse(await rawGet(`/directory_users/${jane.id}`));
    assert.equal(view.email, 'jane@acme.test');
    assert.equal(view.firstName, 'Janet');
    assert.equal(view.lastName, 'Doe');
    assert.equal(view.state, 'active');
    assert.equal(view.idpId, '00u1okta');
    assert.equal(view.directoryId, dir.id);
    assert.equal(view.organizationId, org.id);
    assert.deepEqual(view.customAttributes, { username: 'jane@acme.test', job_title: 'Engineer', department: 'R&D', employee_number: '42', manager_id: 'boss-1' });
    assert.equal((view.rawAttributes as Record<string, unknown>).displayName, 'Jane Doe');
    assert.deepEqual(view.groups.map((g) => g.name), ['Engineering Team']);
    const users = await e.workos.directorySync.listUsers({ directory: dir.id });
    assert.deepEqual(users.data.map((u) => u.id).sort(), [jane.id, john.id].sort());
    const inGroup = await e.workos.directorySync.listUsers({ group: eng.id });
    assert.deepEqual(inGroup.data.map((u) => u.id), [jane.id]);
    const groups = await e.workos.directorySync.listGroups({ directory: dir.id });
    assert.deepEqual(groups.data.map((g) => g.id), [eng.id]);
    directoryGroupSchema.parse(await rawGet(`/directory_groups/${eng.id}`));
    assert.deepEqual((await e.workos.directorySync.listGroups({ user: john.id })).data, []);
    assert.equal((await e.workos.directorySync.getGroup(eng.id)).name, 'Engineering Team');
    assert.equal((await e.workos.directorySync.getDirectory(dir.id)).state, 'active');

    // Deprovision.
    await scim.expect(204, 'DELETE', `/Users/${jane.id}`);
    await scim.expect(204, 'DELETE', `/Groups/${eng.id}`);
    await expectSdkError(e.workos.directorySync.getUser(jane.id), NotFoundException, 404);
    await expectSdkError(e.workos.directorySync.getGroup(eng.id), NotFoundException, 404);

    const all = await eventsOf(org.id, 14);
    assert.deepEqual(all.map((ev) => ev.event), [
      'dsync.activated',
      'dsync.user.created',
      'dsync.user.created',
      'dsync.user.updated', // PUT: first name
      'dsync.user.updated', // deactivated
      'dsync.user.updated', // reactivated
      'dsync.group.created',
      'dsync.group.user_added',
      'dsync.group.user_added',
      'dsync.group.user_removed',
      'dsync.group.updated',
      'dsync.group.user_removed', // jane's deletion removes her from the group first
      'dsync.user.deleted',
      'dsync.group.deleted',
    ]);
    const activated = all[0]!.data as unknown as { id: string; state: string; domains: unknown[]; externalKey: string };
    assert.equal(activated.id, dir.id);
    assert.equal(activated.state, 'active');
    const rename = all[3]!.data as unknown as { firstName: string; previousAttributes: Record<string, unknown> };
    assert.equal(rename.firstName, 'Janet');
    assert.equal(rename.previousAttributes.first_name, 'Jane');
    const deactivated = all[4]!.data as unknown as { state: string; previousAttributes: Record<string, unknown> };
    assert.equal(deactivated.state, 'inactive');
    assert.equal(deactivated.previousAttributes.state, 'active');
    const added = all[7]!.data as unknown as { directoryId: string; user: { id: string }; group: { id: string } };
    assert.equal(added.directoryId, dir.id);
    assert.equal(added.group.id, eng.id);
    const groupUpdated = all[10]!.data as unknown as { name: string; previousAttributes: Record<string, unknown> };
    assert.equal(groupUpdated.name, 'Engineering Team');
    assert.equal(groupUpdated.previousAttributes.name, 'Engineering');
  });

  test('an Entra-shaped provisioning run: capitalised ops, dotted path-less keys, string booleans, remove with a value list', async () => {
    const { org, dir, scim } = await newDirectory('azure scim v2.0', 'Entra');
    const entra = scim.withContentType('application/json');
    await entra.expect(200, 'GET', `/Users?filter=${encodeURIComponent('userName eq "ada@contoso.test"')}`);
    const ada = await entra.expect(201, 'POST', '/Users', {
      schemas: [USER_SCHEMA, ENTERPRISE],
      externalId: 'ada',
      userName: 'ada@contoso.test',
      active: 'True',
      displayName: 'Ada Lovelace',
      emails: [{ primary: true, type: 'work', value: 'ada@contoso.test' }],
      name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
      roles: [{ primary: 'True', type: 'WindowsAzureActiveDirectoryRole', value: 'admin' }],
      [ENTERPRISE]: { department: 'Math' },
    });
    assert.equal(ada.active, true);
    const bob = await entra.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], externalId: 'bob', userName: 'bob@contoso.test', active: true, emails: [{ primary: true, value: 'bob@contoso.test' }] });
    await entra.expect(200, 'PATCH', `/Users/${ada.id}`, patch(
      { op: 'Replace', path: 'name.givenName', value: 'Augusta' },
      { op: 'Add', value: { 'name.familyName': 'King', [`${ENTERPRISE}:department`]: 'Analytics', title: 'Countess' } },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'augusta@contoso.test' },
    ));
    await entra.expect(200, 'PATCH', `/Users/${ada.id}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
    let view = await e.workos.directorySync.getUser(ada.id);
    assert.equal(view.firstName, 'Augusta');
    assert.equal(view.lastName, 'King');
    assert.equal(view.email, 'augusta@contoso.test');
    assert.equal(view.state, 'inactive');
    assert.deepEqual(view.role, { slug: 'admin' });
    assert.equal(view.customAttributes.department, 'Analytics');
    assert.equal(view.customAttributes.job_title, 'Countess');
    await entra.expect(200, 'PATCH', `/Users/${ada.id}`, patch({ op: 'Replace', path: 'active', value: 'True' }));

    const group = await entra.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], externalId: 'g-1', displayName: 'Analysts' });
    await entra.expect(200, 'PATCH', `/Groups/${group.id}`, patch({ op: 'Add', path: 'members', value: [{ value: ada.id }, { value: bob.id }] }));
    await entra.expect(200, 'PATCH', `/Groups/${group.id}`, patch({ op: 'Remove', path: 'members', value: [{ value: bob.id }] }));
    await entra.expect(200, 'PATCH', `/Groups/${group.id}`, patch({ op: 'Replace', path: 'displayName', value: 'Senior Analysts' }));
    const filtered = await entra.expect(200, 'GET', `/Groups?filter=${encodeURIComponent('displayName eq "senior analysts"')}&excludedAttributes=members`);
    assert.equal(filtered.totalResults, 1);
    assert.equal(filtered.Resources[0].members, undefined);

    view = await e.workos.directorySync.getUser(ada.id);
    assert.equal(view.state, 'active');
    assert.deepEqual(view.groups.map((g) => [g.id, g.name, g.idpId]), [[group.id, 'Senior Analysts', 'g-1']]);
    assert.deepEqual((await e.workos.directorySync.getUser(bob.id)).groups, []);
    assert.deepEqual((await e.workos.directorySync.listUsers({ group: group.id })).data.map((u) => u.id), [ada.id]);

    await entra.expect(204, 'DELETE', `/Users/${bob.id}`);
    const events = await eventsOf(org.id, 12);
    assert.deepEqual(events.map((ev) => ev.event), [
      'dsync.activated',
      'dsync.user.created',
      'dsync.user.created',
      'dsync.user.updated',
      'dsync.user.updated',
      'dsync.user.updated',
      'dsync.group.created',
      'dsync.group.user_added',
      'dsync.group.user_added',
      'dsync.group.user_removed',
      'dsync.group.updated',
      'dsync.user.deleted',
    ]);
    assert.equal(dir.id, (events[0]!.data as unknown as { id: string }).id);
  });

  test('SCIM conformance: discovery, filters, pagination, uniqueness, content types, errors', async () => {
    const { scim } = await newDirectory('generic scim v2.0', 'Conformance');
    const spc = await scim.call('GET', '/ServiceProviderConfig');
    assert.equal(spc.status, 200);
    assert.match(spc.contentType, /^application\/scim\+json/);
    assert.equal(spc.body.patch.supported, true);
    assert.equal(spc.body.filter.supported, true);
    const types = await scim.expect(200, 'GET', '/ResourceTypes');
    assert.deepEqual(types.Resources.map((r: { id: string }) => r.id), ['User', 'Group']);
    const schemas = await scim.expect(200, 'GET', '/Schemas');
    assert.ok(schemas.Resources.some((s: { id: string }) => s.id === ENTERPRISE));
    assert.equal((await scim.expect(200, 'GET', `/Schemas/${USER_SCHEMA}`)).name, 'User');

    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const u = await scim.expect(201, 'POST', '/Users', {
        schemas: [USER_SCHEMA], userName: `user${String(i).padStart(2, '0')}@conf.test`, externalId: `ext-${i}`, displayName: `User ${i}`,
        emails: [{ value: `u${i}@mail${i % 3}.test`, primary: true }], ...(i % 2 ? { title: 'odd' } : {}),
      });
      ids.push(u.id);
    }
    const q = async (filter: string) => (await scim.expect(200, 'GET', `/Users?filter=${encodeURIComponent(filter)}&count=50`)).Resources.map((r: { userName: string }) => r.userName).sort();
    assert.deepEqual(await q('userName eq "USER03@conf.test"'), ['user03@conf.test']);
    assert.deepEqual(await q('userName sw "user1"'), ['user10@conf.test', 'user11@conf.test']);
    assert.equal((await q('userName co "@conf."')).length, 12);
    assert.deepEqual(await q('externalId eq "ext-7"'), ['user07@conf.test']);
    assert.deepEqual(await q('externalId eq "EXT-7"'), [], 'externalId is case-exact');
    assert.deepEqual(await q('emails.value eq "u4@mail1.test"'), ['user04@conf.test']);
    assert.deepEqual(await q('emails[value co "mail2"]'), ['user02@conf.test', 'user05@conf.test', 'user08@conf.test', 'user11@conf.test']);
    assert.deepEqual(await q('displayName eq "User 5" or displayName eq "User 6"'), ['user05@conf.test', 'user06@conf.test']);
    assert.deepEqual(await q('userName sw "user0" and externalId eq "ext-2"'), ['user02@conf.test']);
    assert.equal((await q('externalId pr')).length, 12);
    assert.deepEqual(await q('userName eq "nobody" or (externalId eq "ext-1" and not (userName eq "x"))'), ['user01@conf.test']);

    const page1 = await scim.expect(200, 'GET', '/Users?startIndex=1&count=5');
    const page3 = await scim.expect(200, 'GET', '/Users?startIndex=11&count=5');
    assert.equal(page1.totalResults, 12);
    assert.equal(page1.itemsPerPage, 5);
    assert.equal(page1.startIndex, 1);
    assert.equal(page3.itemsPerPage, 2);
    assert.equal((await scim.expect(200, 'GET', '/Users?count=0')).Resources.length, 0);

    const dup = await scim.call('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'USER01@conf.test' });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body.schemas, [ERROR_SCHEMA]);
    assert.equal(dup.body.scimType, 'uniqueness');
    assert.equal(dup.body.status, '409');

    const missing = await scim.call('GET', '/Users/directory_user_01ARZ3NDEKTSV4RRFFQ69G5FAV');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body.schemas, [ERROR_SCHEMA]);
    const created = await scim.call('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'located@conf.test' });
    assert.equal(created.location, created.body.meta.location);
    assert.equal(created.body.meta.resourceType, 'User');
    assert.equal((await scim.expect(200, 'GET', `/Users/${created.body.id}`)).userName, 'located@conf.test');
    const jsonAccept = await scim.call('GET', `/Users/${created.body.id}`, undefined, { accept: 'application/json' });
    assert.match(jsonAccept.contentType, /^application\/json/);

    // Deactivation keeps the user; active=false is visible on both sides.
    const off = await scim.expect(200, 'PATCH', `/Users/${ids[0]}`, patch({ op: 'replace', path: 'active', value: false }));
    assert.equal(off.active, false);
    assert.deepEqual(await q('active eq false'), ['user00@conf.test']);
  });

  test('bad SCIM input gets a SCIM error with a 4xx, never a 500', async () => {
    const { scim } = await newDirectory('generic scim v2.0', 'Bad input');
    const u = await scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'bad@input.test' });
    const g = await scim.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'G' });
    const cases: [string, string, unknown][] = [
      ['POST', '/Users', '{not json'],
      ['POST', '/Users', []],
      ['POST', '/Users', { userName: '' }],
      ['POST', '/Users', { userName: 42 }],
      ['POST', '/Users', { userName: 'x@y.z', emails: 'nope' }],
      ['POST', '/Users', { userName: 'x@y.z', active: 'maybe' }],
      ['POST', '/Users', { userName: 'x@y.z', name: 'flat' }],
      ['POST', '/Users', { userName: 'x@y.z', roles: 'admin' }],
      ['POST', '/Groups', { members: [] }],
      ['POST', '/Groups', { displayName: 'X', members: [{ value: 'directory_user_01ARZ3NDEKTSV4RRFFQ69G5FAV' }] }],
      ['POST', '/Groups', { displayName: 'X', members: [{ nope: 1 }] }],
      ['GET', `/Users?filter=${encodeURIComponent('userName eq')}`, undefined],
      ['GET', `/Users?filter=${encodeURIComponent('password eq "x"')}`, undefined],
      ['GET', `/Users?filter=${encodeURIComponent('userName gt 5')}`, undefined],
      ['GET', `/Users?filter=${encodeURIComponent('active eq "perhaps"')}`, undefined],
      ['GET', `/Users?filter=${encodeURIComponent('((((userName eq "a"')}`, undefined],
      ['GET', `/Users?filter=${encodeURIComponent('x'.repeat(3000))}`, undefined],
      ['PATCH', `/Users/${u.id}`, { Operations: [] }],
      ['PATCH', `/Users/${u.id}`, { schemas: ['wrong'], Operations: [{ op: 'replace', path: 'title', value: 'x' }] }],
      ['PATCH', `/Users/${u.id}`, patch({ op: 'explode', path: 'title', value: 'x' })],
      ['PATCH', `/Users/${u.id}`, patch({ op: 'replace', path: 'bogus[[', value: 'x' })],
      ['PATCH', `/Users/${u.id}`, patch({ op: 'replace', path: 'id', value: 'x' })],
      ['PATCH', `/Users/${u.id}`, patch({ op: 'remove' })],
      ['PATCH', `/Users/${u.id}`, patch({ op: 'replace', value: 'scalar' })],
      ['PATCH', `/Users/${u.id}`, patch({ op: 'replace', path: 'userName', value: '' })],
      ['PATCH', `/Users/${u.id}`, patch({ op: 'replace', path: 'active', value: 'sometimes' })],
      ['PATCH', `/Groups/${g.id}`, patch({ op: 'add', path: 'members', value: [{ value: 'not-a-user' }] })],
      ['PATCH', `/Groups/${g.id}`, patch({ op: 'remove', path: 'members[display eq "x"]' })],
      ['PATCH', `/Groups/${g.id}`, patch({ op: 'replace', path: 'members[value eq "x"]', value: [] })],
      ['PATCH', `/Groups/${g.id}`, patch({ op: 'replace', path: 'displayName', value: 7 })],
      ['PUT', `/Users/${u.id}`, { userName: null }],
      ['GET', '/Nope', undefined],
    ];
    for (const [method, path, body] of cases) {
      const r = await scim.call(method, path, body);
      assert.ok(r.status >= 400 && r.status < 500, `${method} ${path} ${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
      assert.deepEqual(r.body?.schemas, [ERROR_SCHEMA], `${method} ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.status, String(r.status));
      assert.match(r.contentType, /^application\/scim\+json/);
    }
    // Nothing was written by the failures.
    assert.equal((await scim.expect(200, 'GET', '/Users')).totalResults, 1);
    assert.equal((await scim.expect(200, 'GET', '/Groups')).totalResults, 1);
    assert.equal((await scim.expect(200, 'GET', `/Users/${u.id}`)).userName, 'bad@input.test');
  });

  test('isolation: a token works only for its own directory, and other environments see nothing', async () => {
    const a = await newDirectory('okta scim v2.0', 'Iso A');
    const b = await newDirectory('okta scim v2.0', 'Iso B');
    const ua = await a.scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'a@iso.test' });
    const ub = await b.scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'b@iso.test' });
    const ga = await a.scim.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'A' });

    const aTokenOnB = new ScimClient(b.dir.base_url, a.dir.bearer_token);
    for (const [m, p] of [['GET', '/Users'], ['GET', `/Users/${ub.id}`], ['DELETE', `/Users/${ub.id}`], ['GET', '/ServiceProviderConfig']] as const) {
      const r = await aTokenOnB.call(m, p);
      assert.equal(r.status, 401, `${m} ${p}`);
      assert.deepEqual(r.body.schemas, [ERROR_SCHEMA]);
    }
    for (const token of ['', 'Bearer', 'garbage', `${a.dir.bearer_token}x`]) {
      assert.equal((await a.scim.withToken(token).call('GET', '/Users')).status, 401);
    }
    assert.equal((await new ScimClient(`${e.baseUrl}/scim/v2/directory_01ARZ3NDEKTSV4RRFFQ69G5FAV`, a.dir.bearer_token).call('GET', '/Users')).status, 401);
    // B's user is invisible through A's directory and cannot join A's group.
    assert.equal((await a.scim.call('GET', `/Users/${ub.id}`)).status, 404);
    assert.equal((await a.scim.call('PATCH', `/Users/${ub.id}`, patch({ op: 'replace', path: 'title', value: 'x' }))).status, 404);
    assert.equal((await a.scim.call('DELETE', `/Users/${ub.id}`)).status, 404);
    assert.equal((await a.scim.call('PATCH', `/Groups/${ga.id}`, patch({ op: 'add', path: 'members', value: [{ value: ub.id }] }))).status, 400);
    assert.equal((await a.scim.expect(200, 'GET', '/Users')).totalResults, 1);
    assert.equal((await b.scim.expect(200, 'GET', `/Users/${ub.id}`)).userName, 'b@iso.test');

    // Another environment's API key sees none of it.
    const other = await e.createEnvironment(`dsync-other-${Date.now()}`);
    const ow = e.client(other.api_key);
    await expectSdkError(ow.directorySync.getDirectory(a.dir.id), NotFoundException, 404);
    await expectSdkError(ow.directorySync.getUser(ua.id), NotFoundException, 404);
    await expectSdkError(ow.directorySync.getGroup(ga.id), NotFoundException, 404);
    assert.deepEqual((await ow.directorySync.listUsers({ directory: a.dir.id })).data, []);
    assert.deepEqual((await ow.directorySync.listGroups({ directory: a.dir.id })).data, []);
    assert.deepEqual((await ow.directorySync.listDirectories({ organizationId: a.org.id })).data, []);
    assert.equal((await e.http('DELETE', `/directories/${a.dir.id}`, { key: other.api_key })).status, 404);
    assert.equal((await e.http('POST', `/directories/${a.dir.id}/token`, { key: other.api_key })).status, 404);
    // And cannot attach a directory to this environment's organization.
    assert.equal((await e.http('POST', '/directories', { key: other.api_key, body: { organization_id: a.org.id, name: 'x', type: 'okta scim v2.0' } })).status, 422);
    await expectSdkError(ow.directorySync.listUsers({}), UnprocessableEntityException, 422);
  });

  test('concurrent membership PATCHes on one group never lose a member', async () => {
    const { org, scim } = await newDirectory('azure scim v2.0', 'Concurrency');
    const users: string[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        users.push((await scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: `c${i}@conc.test` })).id);
      }),
    );
    const g = await scim.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Everyone' });
    // 40 overlapping PATCHes, each adding its own user plus a shared one, interleaved with removals of a victim.
    const victim = users[0]!;
    await scim.expect(200, 'PATCH', `/Groups/${g.id}`, patch({ op: 'add', path: 'members', value: [{ value: victim }] }));
    const results = await Promise.all(
      users.slice(1).map((id, i) =>
        scim.call('PATCH', `/Groups/${g.id}`, patch(
          { op: 'Add', path: 'members', value: [{ value: id }, { value: users[1]! }] },
          ...(i === 20 ? [{ op: 'Remove', path: 'members', value: [{ value: victim }] }] : []),
        )),
      ),
    );
    assert.deepEqual(results.map((r) => r.status).filter((s) => s !== 200), []);
    const members = (await scim.expect(200, 'GET', `/Groups/${g.id}`)).members.map((m: { value: string }) => m.value).sort();
    assert.deepEqual(members, users.slice(1).sort());
    const viaSdk = await e.workos.directorySync.listUsers({ group: g.id, limit: 100 });
    assert.equal(viaSdk.data.length, 39);
    // One user_added per member actually added (victim + 39), one user_removed for the victim.
    const events = await eventsOf(org.id, 1 + 40 + 1 + 40 + 1);
    assert.equal(events.filter((ev) => ev.event === 'dsync.group.user_added').length, 40);
    assert.equal(events.filter((ev) => ev.event === 'dsync.group.user_removed').length, 1);
  });

  test('a 500-member group push whose events exceed a Kafka batch reaches Kafka completely (the relay cuts requests by size)', async () => {
    const { org, scim } = await newDirectory('okta scim v2.0', 'Big push');
    // Random attributes do not compress: 500 user_added events of ~3 KB, all keyed by one organization.
    const users: string[] = [];
    for (let i = 0; i < 500; i += 25) {
      const created = await Promise.all(
        Array.from({ length: 25 }, (_, j) =>
          scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA, ENTERPRISE], userName: `big${i + j}@push.test`, [ENTERPRISE]: { department: randomBytes(1500).toString('hex') } }),
        ),
      );
      users.push(...created.map((u: { id: string }) => u.id));
    }
    const g = await scim.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Everyone', members: [] });
    await scim.expect(200, 'PATCH', `/Groups/${g.id}`, patch({ op: 'add', path: 'members', value: users.map((value) => ({ value })) }));
    const events = await eventsOf(org.id, 500 + 1 + 500);
    const added = events.filter((ev) => ev.event === 'dsync.group.user_added');
    assert.equal(added.length, 500);
    assert.deepEqual(new Set(added.map((ev) => (ev.data as unknown as { user: { id: string } }).user.id)), new Set(users));
  });

  test('token rotation revokes the old token at once; deleting a directory removes everything and emits dsync.deleted', async () => {
    const { org, dir, scim } = await newDirectory('onelogin scim v2.0', 'Rotate');
    const u = await scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'r@rot.test' });
    const rotated = await e.http('POST', `/directories/${dir.id}/token`, { key: true });
    assert.equal(rotated.status, 201);
    const fresh = (rotated.json as Created).bearer_token;
    assert.notEqual(fresh, dir.bearer_token);
    assert.equal((await scim.call('GET', '/Users')).status, 401);
    assert.equal((await scim.withToken(fresh).expect(200, 'GET', `/Users/${u.id}`)).id, u.id);

    await e.workos.directorySync.deleteDirectory(dir.id);
    await expectSdkError(e.workos.directorySync.getDirectory(dir.id), NotFoundException, 404);
    await expectSdkError(e.workos.directorySync.getUser(u.id), NotFoundException, 404);
    assert.equal((await scim.withToken(fresh).call('GET', '/Users')).status, 401);
    const events = await eventsOf(org.id, 3);
    assert.deepEqual(events.map((ev) => ev.event), ['dsync.activated', 'dsync.user.created', 'dsync.deleted']);
    const deleted = events[2]!.data as unknown as Record<string, unknown>;
    assert.equal(deleted.id, dir.id);
    assert.equal(deleted.domains, undefined);
    // The SDK passes these (spec-only) types through untouched, so their data stays snake_case.
    const tokenTypes = ['dsync.token.created', 'dsync.token.revoked'] as unknown as EventName[];
    const mine = (all: Event[]) => all.filter((ev) => (ev.data as unknown as { directory_id?: string }).directory_id === dir.id);
    const tokenEvents = mine(await waitForEvents(e.workos, tokenTypes, (all) => mine(all).length >= 3));
    assert.deepEqual(tokenEvents.map((ev) => ev.event), ['dsync.token.created', 'dsync.token.revoked', 'dsync.token.created']);
    assert.ok(tokenEvents.every((ev) => !JSON.stringify(ev).includes(fresh) && !JSON.stringify(ev).includes(dir.bearer_token)));
    // Each token has its own ID and last 4 characters (the Java SDK requires both); revoked names the replaced one.
    const [first, revoked, second] = tokenEvents.map((ev) => ev.data as unknown as { id: string; token_suffix: string });
    assert.match(first!.id, /^directory_token_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.deepEqual([revoked!.id, revoked!.token_suffix], [first!.id, dir.bearer_token.slice(-4)]);
    assert.deepEqual([second!.token_suffix, second!.id === first!.id], [fresh.slice(-4), false]);
    assert.equal(mine(await listAllEvents(e.workos, tokenTypes, org.id)).length, 3);
  });

  test('roles come from group mappings and from the SCIM roles attribute, with a dsync.user.updated on every change', async () => {
    const { org, dir, scim } = await newDirectory('okta scim v2.0', 'Roles');
    const other = await newDirectory('okta scim v2.0', 'Roles other');
    const ann = await scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'ann@roles.test', roles: [{ value: 'member', primary: true }] });
    const ben = await scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'ben@roles.test' });
    const admins = await scim.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Admins', members: [{ value: ben.id }] });
    const foreign = await other.scim.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Elsewhere' });
    assert.deepEqual((await e.workos.directorySync.getUser(ann.id)).role, { slug: 'member' });
    assert.equal((await e.workos.directorySync.getUser(ben.id)).role, undefined);

    const refused = await e.http('PUT', `/directories/${dir.id}/role_mappings`, { key: true, body: { role_mappings: [{ directory_group_id: foreign.id, role: 'admin' }] } });
    assert.equal(refused.status, 422, refused.text);
    const set = await e.http('PUT', `/directories/${dir.id}/role_mappings`, { key: true, body: { role_mappings: [{ directory_group_id: admins.id, role: 'admin' }] } });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual((await e.http('GET', `/directories/${dir.id}/role_mappings`, { key: true })).json, set.json);
    // The mapping applies at once to the group's current member…
    assert.deepEqual((await e.workos.directorySync.getUser(ben.id)).role, { slug: 'admin' });
    // …and to members who join later, ahead of the roles the IdP sends.
    await scim.expect(200, 'PATCH', `/Groups/${admins.id}`, patch({ op: 'add', path: 'members', value: [{ value: ann.id }] }));
    let annView = await e.workos.directorySync.getUser(ann.id);
    assert.deepEqual(annView.role, { slug: 'admin' });
    assert.deepEqual(annView.roles, [{ slug: 'admin' }, { slug: 'member' }]);
    await scim.expect(200, 'PATCH', `/Groups/${admins.id}`, patch({ op: 'remove', path: `members[value eq "${ann.id}"]` }));
    annView = await e.workos.directorySync.getUser(ann.id);
    assert.deepEqual(annView.roles, [{ slug: 'member' }]);
    // A SCIM update keeps the group role; deleting the group takes it away.
    await scim.expect(200, 'PATCH', `/Users/${ben.id}`, patch({ op: 'replace', path: 'title', value: 'Boss' }));
    assert.deepEqual((await e.workos.directorySync.getUser(ben.id)).role, { slug: 'admin' });
    await scim.expect(204, 'DELETE', `/Groups/${admins.id}`);
    assert.equal((await e.workos.directorySync.getUser(ben.id)).role, undefined);

    const updates = (await eventsOf(org.id, 13)).filter((ev) => ev.event === 'dsync.user.updated');
    const roleChanges = updates.map((ev) => ev.data as unknown as { id: string; role?: { slug: string }; previousAttributes: Record<string, unknown> }).filter((d) => 'role' in d.previousAttributes);
    assert.deepEqual(roleChanges.map((d) => [d.id, d.role?.slug ?? null, (d.previousAttributes.role as { slug: string } | null)?.slug ?? null]), [
      [ben.id, 'admin', null],
      [ann.id, 'admin', 'member'],
      [ann.id, 'member', 'admin'],
      [ben.id, null, 'admin'],
    ]);
    assert.equal((await e.http('PUT', `/directories/${dir.id}/role_mappings`, { key: true, body: { role_mappings: [{ directory_group_id: 'x', role: 'bad slug!' }] } })).status, 422);
  });

  test('deleting an organization removes its directories (consumed from organizations.events.v1) and no other', async () => {
    const { org, dir, scim } = await newDirectory('okta scim v2.0', 'Doomed');
    const u = await scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'x@doomed.test' });
    const survivor = await newDirectory('okta scim v2.0', 'Survivor');
    await e.workos.organizations.deleteOrganization(org.id);
    await waitFor(async () => (await e.http('GET', `/directories/${dir.id}`, { key: true })).status === 404, { timeoutMs: 60_000, message: 'directory removed' });
    await expectSdkError(e.workos.directorySync.getUser(u.id), NotFoundException, 404);
    assert.equal((await scim.call('GET', '/Users')).status, 401);
    assert.equal((await e.workos.directorySync.getDirectory(survivor.dir.id)).id, survivor.dir.id);
    const events = await eventsOf(org.id, 3);
    assert.deepEqual(events.map((ev) => ev.event), ['dsync.activated', 'dsync.user.created', 'dsync.deleted']);
  });

  test('changes another replica makes reach this one: a rotated token works at once, the old one stops within the cache TTL, a deleted directory never causes a 500', async () => {
    const { dir, scim } = await newDirectory('generic scim v2.0', 'Replicas');
    await scim.expect(200, 'GET', '/Users'); // cached
    const db = new Client({ connectionString: e.stack.databaseUrl('directory-sync') });
    await db.connect();
    try {
      // Another replica rotates the token: the new one is checked against the database on a miss.
      await db.query('UPDATE directories SET token_hash = $2 WHERE id = $1', [dir.id, createHash('sha256').update('rotated-elsewhere').digest('hex')]);
      assert.equal((await scim.withToken('rotated-elsewhere').call('GET', '/Users')).status, 200);
      await waitFor(async () => (await scim.call('GET', '/Users')).status === 401, { timeoutMs: 30_000, message: 'old token refused' });
      // Another replica deletes the directory while this one may still trust its cached row.
      const fresh = scim.withToken('rotated-elsewhere');
      await fresh.expect(200, 'GET', '/Users');
      await db.query('DELETE FROM directories WHERE id = $1', [dir.id]);
      const r = await fresh.call('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'late@replica.test' });
      assert.ok(r.status === 404 || r.status === 401, `${r.status} ${JSON.stringify(r.body)}`);
      assert.deepEqual(r.body.schemas, [ERROR_SCHEMA]);
      await waitFor(async () => (await fresh.call('GET', '/Users')).status === 401, { timeoutMs: 30_000, message: 'deleted directory refused' });
    } finally {
      await db.end();
    }
  });

  test('wos directories creates, lists, rotates and deletes directories through the gateway with an API key', async () => {
    const org = await e.workos.organizations.createOrganization({ name: 'CLI org' });
    const cli = async (...args: string[]) => {
      const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'tools', 'wos.mjs'), ...args, '--api-url', e.baseUrl, '--api-key', e.creds.api_key, '--json']);
      return JSON.parse(stdout);
    };
    const created = await cli('directories', 'create', '--organization', org.id, '--name', 'From CLI', '--type', 'jump cloud scim v2.0');
    assert.equal(created.organization_id, org.id);
    const scim = new ScimClient(created.base_url, created.bearer_token);
    assert.equal((await scim.expect(200, 'GET', '/Users')).totalResults, 0);
    assert.deepEqual((await cli('directories', 'list', '--organization', org.id)).data.map((d: { id: string }) => d.id), [created.id]);
    const rotated = await cli('directories', 'rotate-token', created.id);
    assert.equal((await scim.call('GET', '/Users')).status, 401);
    assert.equal((await scim.withToken(rotated.bearer_token).call('GET', '/Users')).status, 200);
    assert.equal((await cli('directories', 'get', created.id)).state, 'linked');
    await cli('directories', 'delete', created.id);
    await expectSdkError(e.workos.directorySync.getDirectory(created.id), NotFoundException, 404);
    await assert.rejects(cli('directories', 'get', created.id), /404/);
  });

  async function rawGet(path: string): Promise<unknown> {
    const r = await e.http('GET', path, { key: true });
    assert.equal(r.status, 200, r.text);
    return r.json;
  }
});

/** The organization a dsync event belongs to. */
function orgOf(ev: Event): string | undefined {
  const d = ev.data as unknown as Record<string, any>;
  return d.organizationId ?? d.group?.organizationId ?? d.user?.organizationId;
}
