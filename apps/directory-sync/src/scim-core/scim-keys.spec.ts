import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, expandDottedKeys, normalizePatch, splitGroupPatch, type NormalizedOp } from './scim-patch';
import { compileScimFilter } from './scim-filter';
import { ScimError } from './scim-errors';
import { assertSafePath } from './scim-keys';
import { mapScimGroup, mapScimUser } from './scim-user.mapping';
import { SCIM } from './scim-schemas';

/* Security review H1: a SCIM client must never reach Object.prototype (two vectors: dotted keys, scim-patch paths). */

const body = (...Operations: unknown[]) => ({ schemas: [SCIM.patch], Operations });
const user = { schemas: [SCIM.user], userName: 'a', name: { givenName: 'A' }, emails: [{ value: 'a@x', type: 'work' }] };
const group = { schemas: [SCIM.group], displayName: 'G' };
/** JSON.parse keeps "__proto__" an own key, as a request body does. */
const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
function assertPrototypeUntouched(what: string): void {
  assert.equal(({} as Record<string, unknown>).polluted, undefined, `${what}: Object.prototype.polluted`);
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), PROTOTYPE_NAMES, `${what}: Object.prototype changed`);
  assert.equal(typeof ({}).toString, 'function', `${what}: toString`);
}

const refused = (scimTypes: string[]) => (e: unknown) => e instanceof ScimError && e.status === 400 && scimTypes.includes(e.scimType ?? '');

/** PATCH operations that polluted Object.prototype before the fix (each one did, checked). */
const PATCH_ATTEMPTS: [string, unknown][] = [
  ['path-less value with a "__proto__.x" key', { op: 'replace', value: json('{"__proto__.polluted": "x"}') }],
  ['path-less value with a "constructor.prototype.x" key', { op: 'add', value: { 'constructor.prototype.polluted': 'x' } }],
  ['path-less value {"constructor": {"prototype.x": …}}', { op: 'replace', value: { constructor: { 'prototype.polluted': 'x' } } }],
  ['path-less extension key ending in __proto__.x', { op: 'add', value: { [`${SCIM.enterprise}:__proto__.polluted`]: 'x' } }],
  ['op path __proto__.x', { op: 'add', path: '__proto__.polluted', value: 'x' }],
  ['op path constructor.prototype.x', { op: 'replace', path: 'constructor.prototype.polluted', value: 'x' }],
  ['op path __proto__ with an object value', { op: 'add', path: '__proto__', value: { polluted: 'x' } }],
  ['op path __proto__:x (a URN prefix)', { op: 'add', path: '__proto__:polluted', value: 'x' }],
  ['op path with an extension URN and __proto__', { op: 'add', path: `${SCIM.enterprise}:__proto__.polluted`, value: 'x' }],
  ['op path in another case', { op: 'Add', path: 'Constructor.Prototype.polluted', value: 'x' }],
  ['a value key that scim-patch splits on dots', { op: 'replace', path: 'name', value: { 'constructor.prototype.polluted': 'x' } }],
  ['a value with an own "__proto__" key', { op: 'add', path: 'name', value: json('{"__proto__": {"polluted": "x"}}') }],
  ['a filter attribute named __proto__', { op: 'add', path: 'emails[__proto__ eq "x"].polluted', value: 'x' }],
  ['remove through constructor.prototype', { op: 'remove', path: 'constructor.prototype.toString' }],
  ['remove with a value list through __proto__', { op: 'remove', path: '__proto__.polluted', value: [{ value: 'x' }] }],
];

describe('prototype pollution through SCIM (H1)', () => {
  for (const [what, op] of PATCH_ATTEMPTS) {
    test(`PATCH: ${what} is a 400 and Object.prototype is untouched`, () => {
      assert.throws(() => applyPatch(user, normalizePatch(body(op))), refused(['invalidPath', 'invalidValue']));
      assertPrototypeUntouched(what);
      assert.throws(() => applyPatch(group, splitGroupPatch(normalizePatch(body(op))).attributeOps), refused(['invalidPath', 'invalidValue']));
      assertPrototypeUntouched(`${what} (group)`);
    });
  }

  test('applyPatch refuses such operations itself, whoever built them', () => {
    const raw: NormalizedOp[][] = [
      [{ op: 'add', path: '__proto__.polluted', value: 'x' }],
      [{ op: 'add', path: 'constructor.prototype.polluted', value: 'x' }],
      [{ op: 'add', path: '__proto__', value: { polluted: 'x' } }],
      [{ op: 'replace', path: 'name', value: { '__proto__.polluted': 'x' } }],
      [{ op: 'replace', value: { 'constructor.prototype.polluted': 'x' } }],
    ];
    for (const ops of raw) {
      assert.throws(() => applyPatch(user, ops), refused(['invalidPath', 'invalidValue']), JSON.stringify(ops));
      assertPrototypeUntouched(JSON.stringify(ops));
    }
  });

  test('expandDottedKeys refuses the names and builds objects without a prototype', () => {
    for (const key of ['__proto__.polluted', 'constructor.prototype.polluted', `${SCIM.enterprise}:__proto__.polluted`, 'name.__proto__']) {
      assert.throws(() => expandDottedKeys({ [key]: 'x' }), refused(['invalidPath']), key);
      assertPrototypeUntouched(key);
    }
  });

  test('POST and PUT bodies with the names anywhere are 400s', () => {
    const bodies = [
      json('{"userName": "a", "__proto__": {"polluted": "x"}}'),
      { userName: 'a', name: { 'constructor.prototype.polluted': 'x' } },
      { userName: 'a', emails: [{ value: 'a@x', prototype: { polluted: 'x' } }] },
      { userName: 'a', [SCIM.enterprise]: json('{"manager": {"__proto__": {"polluted": "x"}}}') },
    ];
    for (const b of bodies) {
      assert.throws(() => mapScimUser(b), refused(['invalidValue']), JSON.stringify(b));
      assert.throws(() => mapScimGroup({ ...b, displayName: 'G' }), refused(['invalidValue']), JSON.stringify(b));
      assertPrototypeUntouched(JSON.stringify(b));
    }
    // What is stored has no prototype either: "__proto__" could never be anything but a key.
    assert.equal(Object.getPrototypeOf(mapScimUser({ userName: 'a' }).raw), null);
  });

  test('filters naming them are 400 invalidFilter', () => {
    for (const f of ['__proto__ eq "x"', 'constructor.prototype pr', 'emails[__proto__ eq "x"]']) {
      assert.throws(() => compileScimFilter(f, { userName: { kind: 'text', sql: 'u.user_name', caseExact: false } }, 1), refused(['invalidFilter']), f);
    }
  });

  test('the words inside a quoted filter value are data: an address such as constructor@acme.example still works', () => {
    const withMail = { ...user, emails: [{ value: 'constructor@acme.example', type: 'work' }, { value: 'prototype@acme.example', type: 'home' }] };
    const patched = applyPatch(withMail, normalizePatch(body(
      { op: 'replace', path: 'emails[value eq "constructor@acme.example"].type', value: 'other' },
      { op: 'Remove', path: 'emails', value: [{ value: 'prototype@acme.example' }] },
    )));
    assert.deepEqual(patched.emails, [{ value: 'constructor@acme.example', type: 'other' }]);
    // A bracket that is not a filter gets no such allowance.
    assert.throws(() => assertSafePath('emails[value eq "x.__proto__.y].z'), refused(['invalidPath']));
    assert.throws(() => assertSafePath('name."a.__proto__.b"'), refused(['invalidPath']));
    assertPrototypeUntouched('quoted values');
  });
});
