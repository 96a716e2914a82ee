import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasIdShape } from '@wos/contracts';
import { newId } from './ids';

test('newId makes prefixed ULIDs that sort in creation order', () => {
  const ids = Array.from({ length: 1000 }, () => newId('org'));
  for (const id of ids) assert.ok(hasIdShape(id, 'org'), id);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(hasIdShape(newId('org_domain'), 'org'), false);
});
