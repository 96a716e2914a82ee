import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { openSuccessor, sealSuccessor } from './refresh-successor';

test('only the spent token it was sealed for (and its row) opens a successor', () => {
  const spent = 'spent-token-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
  const hash = createHash('sha256').update(spent).digest('hex');
  const sealed = sealSuccessor(spent, 'the-successor', hash);
  assert.equal(openSuccessor(spent, sealed, hash), 'the-successor');
  assert.equal(openSuccessor(`${spent}x`, sealed, hash), null, 'another token');
  assert.equal(openSuccessor(spent, sealed, 'another row'), null, 'another row');
  assert.equal(openSuccessor(hash, sealed, hash), null, 'the stored SHA-256 is not the key');
  assert.equal(openSuccessor(spent, 'garbage', hash), null);
  assert.ok(!sealed.includes('the-successor'));
});
