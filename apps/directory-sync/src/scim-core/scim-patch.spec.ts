import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, expandDottedKeys, normalizePatch, splitGroupPatch } from './scim-patch';
import { ScimError } from './scim-errors';
import { SCIM } from './scim-schemas';

const body = (...Operations: unknown[]) => ({ schemas: [SCIM.patch], Operations });

describe('normalizePatch and applyPatch', () => {
  const user = { schemas: [SCIM.user], userName: 'a', name: { givenName: 'A', familyName: 'B' }, emails: [{ value: 'a@x', type: 'work' }, { value: 'b@x', type: 'home' }], active: true };

  test('Entra: capitalised ops, string booleans and path-less dotted keys keep unnamed sub-attributes', () => {
    const ops = normalizePatch(body({ op: 'Replace', path: 'active', value: 'False' }, { op: 'Add', value: { 'name.familyName': 'C', [`${SCIM.enterprise}:department`]: 'D' } }));
    const out = applyPatch(user, ops);
    assert.equal(out.active, false);
    assert.deepEqual(out.name, { givenName: 'A', familyName: 'C' });
    assert.deepEqual(out[SCIM.enterprise], { department: 'D' });
  });

  test('Okta: path-less replace of active, ignoring the read-only id it repeats', () => {
    const out = applyPatch(user, normalizePatch(body({ op: 'replace', value: { id: 'x', active: false } })));
    assert.equal(out.active, false);
    assert.equal(out.id, undefined);
  });

  test('value filters in paths, and remove with a value list', () => {
    assert.deepEqual(applyPatch(user, normalizePatch(body({ op: 'replace', path: 'emails[type eq "work"].value', value: 'c@x' }))).emails, [{ value: 'c@x', type: 'work' }, { value: 'b@x', type: 'home' }]);
    assert.deepEqual(applyPatch(user, normalizePatch(body({ op: 'Remove', path: 'emails', value: [{ value: 'b@x' }] }))).emails, [{ value: 'a@x', type: 'work' }]);
  });

  test('malformed messages and read-only paths are 400s', () => {
    const bad = [
      {},
      { Operations: [] },
      { schemas: ['x'], Operations: [{ op: 'add', path: 'a', value: 1 }] },
      body({ op: 'move', path: 'a', value: 1 }),
      body({ op: 'remove' }),
      body({ op: 'add', path: 'title' }),
      body({ op: 'replace', value: 'scalar' }),
    ];
    for (const b of bad) assert.throws(() => normalizePatch(b), ScimError, JSON.stringify(b));
    assert.throws(() => applyPatch(user, normalizePatch(body({ op: 'replace', path: 'id', value: 'x' }))), (e: unknown) => e instanceof ScimError && e.scimType === 'mutability');
    assert.throws(() => applyPatch(user, normalizePatch(body({ op: 'replace', path: 'a[[', value: 'x' }))), ScimError);
  });

  test('expandDottedKeys splits URN keys after the URN, not at its dots', () => {
    const expanded = expandDottedKeys({ [`${SCIM.enterprise}:manager.value`]: 'm', 'name.givenName': 'G' });
    assert.deepEqual(JSON.parse(JSON.stringify(expanded)), { [SCIM.enterprise]: { manager: { value: 'm' } }, name: { givenName: 'G' } });
    // Built from input, so without a prototype at every level.
    assert.equal(Object.getPrototypeOf(expanded), null);
    assert.equal(Object.getPrototypeOf(expanded.name), null);
  });
});

describe('splitGroupPatch', () => {
  test('members operations become ordered set changes; other attributes stay patches', () => {
    const { attributeOps, memberChanges } = splitGroupPatch(normalizePatch(body(
      { op: 'Add', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] },
      { op: 'Remove', path: 'members', value: [{ value: 'u2' }] },
      { op: 'remove', path: 'members[value eq "u3" or value eq "u4"]' },
      { op: 'replace', value: { displayName: 'New', members: [{ value: 'u5' }] } },
      { op: 'remove', path: 'members' },
    )));
    assert.deepEqual(memberChanges, [
      { kind: 'add', ids: ['u1', 'u2'] },
      { kind: 'remove', ids: ['u2'] },
      { kind: 'remove', ids: ['u3', 'u4'] },
      { kind: 'set', ids: ['u5'] },
      { kind: 'clear' },
    ]);
    assert.deepEqual(attributeOps, [{ op: 'replace', path: 'displayName', value: 'New' }]);
  });

  test('filters other than value eq are refused', () => {
    assert.throws(() => splitGroupPatch(normalizePatch(body({ op: 'remove', path: 'members[display eq "x"]' }))), ScimError);
    assert.throws(() => splitGroupPatch(normalizePatch(body({ op: 'add', path: 'members', value: [{ nope: 1 }] }))), ScimError);
  });
});
