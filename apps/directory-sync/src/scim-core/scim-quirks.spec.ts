import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scimQuirks } from './scim-quirks';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

test('Entra: capitalised PATCH ops and "True"/"False" strings, in a path or in a value object', () => {
  assert.deepEqual(scimQuirks('PATCH', '/scim/v2/d/Users/u', { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }).sort(), ['capitalised_patch_ops', 'string_booleans']);
  assert.deepEqual(scimQuirks('PATCH', '/scim/v2/d/Users/u', { Operations: [{ op: 'replace', value: { active: 'true' } }] }), ['string_booleans']);
  assert.deepEqual(scimQuirks('POST', '/scim/v2/d/Users', { userName: 'a', active: 'True' }), ['string_booleans']);
});

test('RFC 7644 requests show nothing', () => {
  assert.deepEqual(scimQuirks('PATCH', '/scim/v2/d/Users/u', { Operations: [{ op: 'replace', path: 'active', value: false }] }), []);
  assert.deepEqual(scimQuirks('POST', '/scim/v2/d/Users', { userName: 'a', active: true }), []);
  assert.deepEqual(scimQuirks('POST', '/scim/v2/d/Groups', { displayName: 'G', members: [{ value: 'u' }] }), []);
  assert.deepEqual(scimQuirks('GET', '/scim/v2/d/Users?filter=x', undefined), []);
});

test('Okta Push Groups: a group created without members', () => {
  assert.deepEqual(scimQuirks('POST', '/scim/v2/d/Groups', { displayName: 'Engineering' }), ['group_without_members']);
  assert.deepEqual(scimQuirks('POST', '/scim/v2/d/Groups', { displayName: 'Engineering', members: [] }), ['group_without_members']);
});
