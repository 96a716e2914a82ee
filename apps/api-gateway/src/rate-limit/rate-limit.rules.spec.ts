import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePath, compileRules, DEFAULT_RATE_LIMIT_RULES, limitSchema, matchingRules, rateLimitRulesSchema } from './rate-limit.rules';

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

  test('a trailing /* matches the prefix and everything below it', () => {
    const re = compilePath('/user_management/*');
    for (const p of ['/user_management', '/user_management/', '/user_management/users/u_1']) assert.ok(re.test(p), p);
    assert.equal(re.test('/user_managementX'), false);
  });

  test('matches by method (or *) and path', () => {
    const rules = compileRules(
      rateLimitRulesSchema.parse([
        { method: 'delete', path: '/organizations/:id', limit: '50/60' },
        { method: '*', path: '/events', limit: '10/1', per: ['environment'] },
        { method: 'post,put', path: '/user_management/*', limit: '5/10', per: ['environment'] },
      ]),
    );
    assert.deepEqual(matchingRules(rules, 'DELETE', '/organizations/org_1').map((r) => r.id), ['DELETE /organizations/:id per api_key']);
    assert.deepEqual(matchingRules(rules, 'GET', '/organizations/org_1'), []);
    assert.deepEqual(matchingRules(rules, 'GET', '/events').map((r) => [r.limit, r.windowMs]), [[10, 1000]]);
    assert.equal(matchingRules(rules, 'PUT', '/user_management/users/u_1').length, 1);
    assert.equal(matchingRules(rules, 'GET', '/user_management/users/u_1').length, 0);
  });

  test('the default rules parse, and every dimension name is valid', () => {
    const rules = rateLimitRulesSchema.parse(DEFAULT_RATE_LIMIT_RULES);
    assert.equal(rules.length, DEFAULT_RATE_LIMIT_RULES.length);
    assert.equal(rateLimitRulesSchema.safeParse([{ method: 'GET', path: '/x', limit: '1/1', per: ['header:x'] }]).success, false);
    assert.equal(rateLimitRulesSchema.safeParse([{ method: 'GET', path: '/x', limit: '1/1', per: [] }]).success, false);
  });
});
