import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mapScimGroup, mapScimUser } from './scim-user.mapping';
import { ScimError } from './scim-errors';
import { SCIM } from './scim-schemas';

describe('mapScimUser', () => {
  test('maps core and enterprise attributes to WorkOS fields, dropping id, meta and password', () => {
    const m = mapScimUser({
      schemas: [SCIM.user, SCIM.enterprise], id: 'x', meta: {}, password: 'secret', userName: 'Jane@X.test', externalId: 'e1',
      name: { givenName: 'Jane', familyName: 'Doe' }, title: 'CTO', active: 'False',
      emails: [{ value: 'other@x.test' }, { value: 'Jane@X.test', primary: 'True' }],
      roles: [{ value: 'member' }, { value: 'admin', primary: true }],
      [SCIM.enterprise]: { department: 'Eng', manager: { value: 'm1' }, costCenter: 'cc' },
    });
    assert.equal(m.email, 'Jane@X.test');
    assert.deepEqual(m.emails, ['other@x.test', 'jane@x.test']);
    assert.equal(m.state, 'inactive');
    assert.equal(m.raw.active, false);
    assert.deepEqual(m.roles, ['admin', 'member']);
    assert.deepEqual(m.customAttributes, { username: 'Jane@X.test', job_title: 'CTO', department: 'Eng', cost_center: 'cc', manager_id: 'm1' });
    assert.equal('password' in m.raw || 'id' in m.raw || 'meta' in m.raw, false);
    assert.equal(m.firstName, 'Jane');
  });

  test('refuses what a directory_user cannot hold', () => {
    for (const bad of [null, [], {}, { userName: '' }, { userName: 1 }, { userName: 'a', emails: {} }, { userName: 'a', active: 'yes' }, { userName: 'a', name: 'n' }, { userName: 'a', roles: 'r' }]) {
      assert.throws(() => mapScimUser(bad), (e: unknown) => e instanceof ScimError && e.status === 400, JSON.stringify(bad));
    }
  });

  test('groups keep members apart from their stored attributes', () => {
    const g = mapScimGroup({ displayName: 'G', externalId: 'x', members: [{ value: 'u1' }, { value: 'u1' }] });
    assert.deepEqual(g.members, ['u1']);
    assert.equal('members' in g.raw, false);
    assert.throws(() => mapScimGroup({ displayName: ' ' }), ScimError);
  });
});
