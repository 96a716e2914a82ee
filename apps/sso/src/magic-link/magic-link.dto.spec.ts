import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasIdShape } from '@wos/contracts';
import { magicLinkConnectionId, magicLinkProfileId } from './magic-link.dto';

test('Magic Link IDs have the ID shape, are stable, and differ per environment, connection and address', () => {
  const c = magicLinkConnectionId('environment_A');
  assert.ok(hasIdShape(c, 'conn'), c);
  assert.equal(magicLinkConnectionId('environment_A'), c);
  assert.notEqual(magicLinkConnectionId('environment_B'), c);
  const p = magicLinkProfileId('environment_A', c, 'a@example.com');
  assert.ok(hasIdShape(p, 'prof'), p);
  assert.equal(magicLinkProfileId('environment_A', c, 'a@example.com'), p);
  for (const other of [magicLinkProfileId('environment_B', c, 'a@example.com'), magicLinkProfileId('environment_A', 'conn_X', 'a@example.com'), magicLinkProfileId('environment_A', c, 'b@example.com')]) {
    assert.notEqual(other, p);
  }
});
