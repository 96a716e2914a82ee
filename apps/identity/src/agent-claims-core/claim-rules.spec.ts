import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { claimVerdict, credentialsLive, linkRefusal, placement, registrationStatus, wellFormedSecret, type AttemptState } from './claim-rules';

const now = new Date('2026-12-05T12:00:00Z');
const later = new Date(now.getTime() + 60_000);
const earlier = new Date(now.getTime() - 1);
const unclaimed = { status: 'unverified', claimExpiresAt: later };
const linked: AttemptState = { expiresAt: later, supersededAt: null, claimedAt: null, userId: 'user_1', userCodeHash: 'h', userCodeExpiresAt: later, failedAttempts: 0 };

describe('registrationStatus', () => {
  test('minted active reads verified; revoked stays revoked; unverified expires with its claim', () => {
    assert.equal(registrationStatus({ status: 'active', claimExpiresAt: null }, now), 'verified');
    assert.equal(registrationStatus({ status: 'revoked', claimExpiresAt: later }, now), 'revoked');
    assert.equal(registrationStatus(unclaimed, now), 'unverified');
    assert.equal(registrationStatus({ status: 'unverified', claimExpiresAt: now }, now), 'expired');
    assert.equal(registrationStatus({ status: 'verified', claimExpiresAt: earlier }, now), 'verified', 'a claimed registration does not expire with its claim');
  });
  test('credentials live only while unverified or verified', () => {
    assert.equal(credentialsLive(unclaimed, now), true);
    assert.equal(credentialsLive({ status: 'unverified', claimExpiresAt: earlier }, now), false);
    assert.equal(credentialsLive({ status: 'revoked', claimExpiresAt: later }, now), false);
  });
});

describe('claimVerdict', () => {
  test('the right code on a linked, live attempt claims', () => {
    assert.deepEqual(claimVerdict(unclaimed, linked, true, now, 5), { kind: 'claim' });
  });
  test('a wrong code counts, and the fifth locks', () => {
    assert.deepEqual(claimVerdict(unclaimed, linked, false, now, 5), { kind: 'wrong_code', failedAttempts: 1, locked: false });
    assert.deepEqual(claimVerdict(unclaimed, { ...linked, failedAttempts: 4 }, false, now, 5), { kind: 'wrong_code', failedAttempts: 5, locked: true });
  });
  test('a locked attempt refuses even the right code', () => {
    assert.deepEqual(claimVerdict(unclaimed, { ...linked, failedAttempts: 5 }, true, now, 5), { kind: 'refuse', reason: 'attempt_locked' });
  });
  test('refusals come before the code is compared', () => {
    const refuse = (r: typeof unclaimed, a: AttemptState) => (claimVerdict(r, a, true, now, 5) as { reason?: string }).reason;
    assert.equal(refuse(unclaimed, { ...linked, claimedAt: earlier }), 'previously_claimed');
    assert.equal(refuse({ status: 'verified', claimExpiresAt: later }, linked), 'previously_claimed');
    assert.equal(refuse({ status: 'unverified', claimExpiresAt: earlier }, linked), 'claim_expired');
    assert.equal(refuse({ status: 'revoked', claimExpiresAt: later }, linked), 'claim_expired');
    assert.equal(refuse(unclaimed, { ...linked, expiresAt: now }), 'claim_expired');
    assert.equal(refuse(unclaimed, { ...linked, supersededAt: earlier }), 'attempt_superseded');
    assert.equal(refuse(unclaimed, { ...linked, userId: null }), 'not_linked');
    assert.equal(refuse(unclaimed, { ...linked, userCodeExpiresAt: now }), 'user_code_expired');
  });
});

describe('linkRefusal', () => {
  test('an attempt stays with the user it was first linked to', () => {
    assert.equal(linkRefusal(unclaimed, linked, 'user_1', now, 5), null);
    assert.equal(linkRefusal(unclaimed, { ...linked, userId: null }, 'user_2', now, 5), null);
    assert.equal(linkRefusal(unclaimed, linked, 'user_2', now, 5), 'linked_to_another_user');
    assert.equal(linkRefusal(unclaimed, { ...linked, failedAttempts: 5 }, 'user_1', now, 5), 'attempt_locked');
    assert.equal(linkRefusal(unclaimed, { ...linked, claimedAt: earlier }, 'user_1', now, 5), 'previously_claimed');
  });
});

describe('placement', () => {
  test('asked must be a membership; one is taken; several need a choice; none is no organization', () => {
    assert.deepEqual(placement(['org_a', 'org_b'], 'org_b'), { organizationId: 'org_b' });
    assert.deepEqual(placement(['org_a'], 'org_x'), { refuse: 'not_a_member' });
    assert.deepEqual(placement([], 'org_x'), { refuse: 'not_a_member' });
    assert.deepEqual(placement(['org_a'], undefined), { organizationId: 'org_a' });
    assert.deepEqual(placement(['org_a', 'org_b'], null), { refuse: 'selection_required' });
    assert.deepEqual(placement([], undefined), { organizationId: null });
  });
});

describe('wellFormedSecret', () => {
  test('prefix and a 256-bit base64url body', () => {
    const body = 'A'.repeat(43);
    assert.equal(wellFormedSecret('apiKey', `sk_agent_${body}`), true);
    assert.equal(wellFormedSecret('apiKey', `sk_agent_${body}x`), false);
    assert.equal(wellFormedSecret('apiKey', `clm_${body}`), false);
    assert.equal(wellFormedSecret('attemptToken', `cla_tkn_${'-'.repeat(43)}`), true);
  });
});
