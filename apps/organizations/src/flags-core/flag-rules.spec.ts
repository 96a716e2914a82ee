import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { etagMatches, isOn, isSlug, payloadEtag, runtimePayload, targetTypeOf, type FlagState } from './flag-rules';

const U = 'user_01HZBC6N1EB1ZY7KG32XAAAAAA';
const O = 'org_01HZBC6N1EB1ZY7KG32XAAAAAA';
const flag = (over: Partial<FlagState> = {}): FlagState => ({ slug: 'beta', enabled: true, defaultValue: false, users: [], organizations: [], ...over });

describe('flag rules', () => {
  test('slugs are lowercase words joined by - or _, at most 128 characters', () => {
    for (const ok of ['beta', 'advanced-analytics', 'a_b-c9', 'x'.repeat(128)]) assert.ok(isSlug(ok), ok);
    for (const bad of ['', 'Beta', '-a', 'a-', 'a--b', 'a b', 'a/b', 'a.b', 'x'.repeat(129), '__proto__']) assert.ok(!isSlug(bad), bad);
  });

  test('targets are user_ or org_ IDs with a ULID', () => {
    assert.equal(targetTypeOf(U), 'user');
    assert.equal(targetTypeOf(O), 'organization');
    for (const bad of ['conn_01HZBC6N1EB1ZY7KG32XAAAAAA', 'user_123', 'org_domain_01HZBC6N1EB1ZY7KG32XAAAAAA', `${U}x`]) assert.equal(targetTypeOf(bad), undefined, bad);
  });

  test('evaluation: disabled is off, a matching target is on, otherwise the default', () => {
    assert.equal(isOn(flag({ enabled: false, defaultValue: true, users: [U] }), { userId: U }), false);
    assert.equal(isOn(flag({ users: [U] }), { userId: U }), true);
    assert.equal(isOn(flag({ organizations: [O] }), { userId: U, organizationId: O }), true);
    assert.equal(isOn(flag(), { userId: U, organizationId: O }), false);
    assert.equal(isOn(flag({ defaultValue: true }), {}), true);
  });

  test('the runtime payload has the SDK poll shape', () => {
    assert.deepEqual(runtimePayload([flag({ users: [U], organizations: [O] })]), {
      beta: { slug: 'beta', enabled: true, default_value: false, targets: { users: [{ id: U, enabled: true }], organizations: [{ id: O, enabled: true }] } },
    });
  });

  test('ETags differ by version and by body, and If-None-Match lists match exactly', () => {
    const a = payloadEtag(3n, Buffer.from('{}'));
    assert.match(a, /^"3-[A-Za-z0-9_-]{22}"$/);
    assert.notEqual(a, payloadEtag(4n, Buffer.from('{}')));
    assert.notEqual(a, payloadEtag(3n, Buffer.from('{"a":1}')));
    assert.ok(etagMatches(a, a));
    assert.ok(etagMatches(`"x", ${a}`, a));
    assert.ok(etagMatches('*', a));
    assert.ok(!etagMatches(`W/${a}`, a));
    assert.ok(!etagMatches(undefined, a));
  });
});
