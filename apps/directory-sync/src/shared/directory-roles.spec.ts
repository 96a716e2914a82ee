import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveRoles, mapsGroup } from './directory-roles';

test('group roles come first in mapping order, then attribute roles, without duplicates', () => {
  const mappings = [
    { directory_group_id: 'g-admins', role: 'admin' },
    { directory_group_id: 'g-eng', role: 'engineer' },
    { directory_group_id: 'g-all', role: 'member' },
  ];
  assert.deepEqual(effectiveRoles(['member', 'billing'], ['g-all', 'g-eng'], mappings), ['engineer', 'member', 'billing']);
  assert.deepEqual(effectiveRoles([], [], mappings), []);
  assert.deepEqual(effectiveRoles(['x'], ['g-other'], mappings), ['x']);
  assert.equal(mapsGroup(mappings, 'g-eng'), true);
  assert.equal(mapsGroup(mappings, 'g-other'), false);
});
