import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseProfile, ProfileRejection } from './profile-normaliser';

describe('normaliseProfile', () => {
  test('Okta-style names, case-insensitive, email lower-cased, raw attributes kept', () => {
    const raw = { FirstName: 'Ann', lastName: 'Lee', Email: 'Ann@X.io', groups: ['a', 'b'], role: 'owner' };
    const { profile: p, emailFromEmailAttribute } = normaliseProfile('00u1', raw);
    assert.equal(emailFromEmailAttribute, true);
    assert.deepEqual(
      { ...p },
      { idp_id: '00u1', email: 'ann@x.io', first_name: 'Ann', last_name: 'Lee', name: 'Ann Lee', groups: ['a', 'b'], role: { slug: 'owner' }, roles: [{ slug: 'owner' }], custom_attributes: {}, raw_attributes: raw },
    );
  });
  test('OIDC claims and a NameID that is the email', () => {
    const { profile: p, emailFromEmailAttribute } = normaliseProfile('bo@x.io', { given_name: 'Bo', family_name: 'Ek' });
    assert.equal(p.email, 'bo@x.io');
    assert.equal(emailFromEmailAttribute, false, 'a NameID is never an address the IdP proved');
    assert.equal(p.first_name, 'Bo');
    assert.equal(p.last_name, 'Ek');
  });
  test('the attribute map wins, names idp_id, and extra keys become custom attributes', () => {
    const { profile: p, emailFromEmailAttribute } = normaliseProfile('opaque', { mail: 'wrong@x.io', primary: 'right@x.io', uid: 'u-9', cost: '42' }, { email: 'primary', idp_id: 'uid', cost_center: 'cost' });
    assert.equal(p.email, 'right@x.io');
    assert.equal(emailFromEmailAttribute, false, 'a mapped attribute that is not an email attribute');
    assert.equal(p.idp_id, 'u-9');
    assert.deepEqual(p.custom_attributes, { cost_center: '42' });
  });
  test('an email from upn or preferred_username is used but marked as not from an email attribute (C2)', () => {
    for (const attr of ['upn', 'preferred_username', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn']) {
      const { profile, emailFromEmailAttribute } = normaliseProfile('opaque-sub', { [attr]: 'Boss@Victim.example' });
      assert.equal(profile.email, 'boss@victim.example', attr);
      assert.equal(emailFromEmailAttribute, false, attr);
    }
    assert.equal(normaliseProfile('s', { email: 'a@x.io', upn: 'b@x.io' }).emailFromEmailAttribute, true, 'the email attribute wins over upn');
    assert.equal(normaliseProfile('s', { mail: 'c@x.io', upn: 'b@x.io' }, { email: 'mail' }).emailFromEmailAttribute, true, 'a mapped email attribute counts');
  });
  test('no usable email is a rejection with a reason', () => {
    assert.throws(() => normaliseProfile('opaque', { email: 'not-an-email' }), (e: unknown) => e instanceof ProfileRejection && e.reason === 'missing_email');
  });
});
