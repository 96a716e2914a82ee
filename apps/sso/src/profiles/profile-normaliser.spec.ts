import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseProfile, ProfileRejection } from './profile-normaliser';

describe('normaliseProfile', () => {
  test('Okta-style names, case-insensitive, email lower-cased, raw attributes kept', () => {
    const raw = { FirstName: 'Ann', lastName: 'Lee', Email: 'Ann@X.io', groups: ['a', 'b'], role: 'owner' };
    const p = normaliseProfile('00u1', raw);
    assert.deepEqual(
      { ...p },
      { idp_id: '00u1', email: 'ann@x.io', first_name: 'Ann', last_name: 'Lee', name: 'Ann Lee', groups: ['a', 'b'], role: { slug: 'owner' }, roles: [{ slug: 'owner' }], custom_attributes: {}, raw_attributes: raw },
    );
  });
  test('OIDC claims and a NameID that is the email', () => {
    const p = normaliseProfile('bo@x.io', { given_name: 'Bo', family_name: 'Ek' });
    assert.equal(p.email, 'bo@x.io');
    assert.equal(p.first_name, 'Bo');
    assert.equal(p.last_name, 'Ek');
  });
  test('the attribute map wins, names idp_id, and extra keys become custom attributes', () => {
    const p = normaliseProfile('opaque', { mail: 'wrong@x.io', primary: 'right@x.io', uid: 'u-9', cost: '42' }, { email: 'primary', idp_id: 'uid', cost_center: 'cost' });
    assert.equal(p.email, 'right@x.io');
    assert.equal(p.idp_id, 'u-9');
    assert.deepEqual(p.custom_attributes, { cost_center: '42' });
  });
  test('no usable email is a rejection with a reason', () => {
    assert.throws(() => normaliseProfile('opaque', { email: 'not-an-email' }), (e: unknown) => e instanceof ProfileRejection && e.reason === 'missing_email');
  });
});
