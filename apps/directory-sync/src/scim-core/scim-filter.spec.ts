import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileScimFilter, type FilterAttributes } from './scim-filter';
import { ScimError } from './scim-errors';

const ATTRS: FilterAttributes = {
  userName: { kind: 'text', sql: 'u.user_name', caseExact: false },
  externalId: { kind: 'text', sql: 'u.external_id', caseExact: true },
  'emails.value': { kind: 'text_array', sql: 'u.emails' },
  active: { kind: 'boolean', sql: "u.state = 'active'" },
};

describe('compileScimFilter', () => {
  test('eq on a case-insensitive attribute lowercases both sides and parameterises the value', () => {
    assert.deepEqual(compileScimFilter('userName eq "Jane@X.com"', ATTRS, 3), { sql: 'lower(u.user_name) = $3', params: ['jane@x.com'] });
  });

  test('case-exact attributes compare as given; co/sw/ew escape LIKE wildcards', () => {
    assert.deepEqual(compileScimFilter('externalId sw "a_b%"', ATTRS, 1), { sql: 'u.external_id LIKE $1', params: ['a\\_b\\%%'] });
    assert.deepEqual(compileScimFilter('externalId ew "z"', ATTRS, 1).params, ['%z']);
    assert.deepEqual(compileScimFilter('userName co "A"', ATTRS, 1).params, ['%a%']);
  });

  test('multi-valued emails, value paths, pr, and/or/not, booleans', () => {
    assert.deepEqual(compileScimFilter('emails.value eq "A@x"', ATTRS, 1), { sql: 'u.emails @> ARRAY[$1]::text[]', params: ['a@x'] });
    assert.equal(compileScimFilter('emails[value eq "a@x"]', ATTRS, 1).sql, 'u.emails @> ARRAY[$1]::text[]');
    assert.equal(compileScimFilter('emails pr', { emails: ATTRS['emails.value']! }, 1).sql, 'cardinality(u.emails) > 0');
    const c = compileScimFilter('userName eq "a" or (externalId eq "b" and not (active eq false))', ATTRS, 5);
    assert.equal(c.sql, "(lower(u.user_name) = $5 OR (u.external_id = $6 AND (NOT (u.state = 'active') = FALSE)))");
    assert.deepEqual(c.params, ['a', 'b']);
    assert.equal(compileScimFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"', ATTRS, 1).sql, 'lower(u.user_name) = $1');
  });

  test('unknown attributes, bad syntax, wrong value types and oversized filters are 400 invalidFilter', () => {
    for (const f of ['password eq "x"', 'userName eq', 'userName eq 5', 'active eq "maybe"', 'emails.value gt "a"', 'x'.repeat(2001), '(userName eq "a"']) {
      assert.throws(() => compileScimFilter(f, ATTRS, 1), (e: unknown) => e instanceof ScimError && e.status === 400 && e.scimType === 'invalidFilter', f);
    }
  });

  test('no value ever reaches the SQL text', () => {
    const c = compileScimFilter(`userName eq "'; DROP TABLE directory_users; --"`, ATTRS, 1);
    assert.ok(!c.sql.includes('DROP'));
  });
});
