import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePath, compileRules, limitSchema, matchingRules, rateLimitRulesSchema } from './rate-limit.rules';

describe('rate-limit.rules', () => {
  test('parses "<requests>/<seconds>"', () => {
    assert.deepEqual(limitSchema.parse('6000/60'), { limit: 6000, windowMs: 60_000 });
    for (const bad of ['6000', '0/60', '10/0', 'a/b', '10/60/1']) assert.equal(limitSchema.safeParse(bad).success, false, bad);
  });

  test('a :param matches exactly one segment', () => {
    const re = compilePath('/organizations/:id');
    assert.ok(re.test('/organizations/org_1'));
    assert.ok(re.test('/organizations/org_1/'));
    assert.equal(re.test('/organizations'), false);
    assert.equal(re.test('/organizations/org_1/domains'), false);
    assert.equal(compilePath('/a.b/:x').test('/aXb/1'), false);
  });

  test('matches by method (or *) and path', () => {
    const rules = compileRules(
      rateLimitRulesSchema.parse([
        { method: 'delete', path: '/organizations/:id', limit: '50/60' },
        { method: '*', path: '/events', limit: '10/1' },
      ]),
    );
    assert.deepEqual(matchingRules(rules, 'DELETE', '/organizations/org_1').map((r) => r.id), ['DELETE /organizations/:id']);
    assert.deepEqual(matchingRules(rules, 'GET', '/organizations/org_1'), []);
    assert.deepEqual(matchingRules(rules, 'GET', '/events').map((r) => [r.limit, r.windowMs]), [[10, 1000]]);
  });
});
