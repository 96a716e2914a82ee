import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkProfile, checkRefusal, type TestedProfile } from './sso-checks';

const clean: TestedProfile = { idp_id: 'ann@acme.test', email: 'ann@acme.test', first_name: 'Ann', last_name: 'Lee', groups: ['Engineering'], raw_attributes: { firstName: 'Ann' } };

test('a clean profile passes every check with no quirk', () => {
  assert.deepEqual(checkProfile(clean, 'ann@acme.test'), { email: true, name: true, clock: true, quirks: [] });
});

test('each quirk is recognised from the data alone', () => {
  assert.deepEqual(checkProfile({ ...clean, first_name: null }, null).quirks, ['missing_name']);
  assert.deepEqual(checkProfile({ ...clean, idp_id: 'ann.lee@corp.acme.test' }, null).quirks, ['nameid_mismatch']);
  assert.deepEqual(checkProfile({ ...clean, idp_id: '_9f2c1a' }, '_77ab01').quirks, ['nameid_transient']);
  assert.deepEqual(checkProfile({ ...clean, groups: ['6f1c3a2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b'] }, null).quirks, ['entra_group_ids']);
  assert.deepEqual(checkProfile({ ...clean, raw_attributes: { accountEnabled: ['True'] } }, null).quirks, ['string_booleans']);
});

test('an opaque but stable NameID is no quirk', () => {
  assert.deepEqual(checkProfile({ ...clean, idp_id: '00u1abcd' }, '00u1abcd').quirks, []);
});

test('a refused test sign-in names the check its refusal answers, and only that', () => {
  assert.deepEqual(checkRefusal('missing_email'), { email: false, clock: true });
  assert.deepEqual(checkRefusal('assertion_not_yet_valid'), { clock: false });
  assert.deepEqual(checkRefusal('assertion_expired'), { clock: false });
  assert.deepEqual(checkRefusal('invalid_signature'), {});
});
