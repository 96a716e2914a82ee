import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createTestDatabase, genericPlan, type TestDatabase } from '@wos/platform/testing';
import { FIND_TOKENS_SQL } from '../src/oauth-server/oauth-artifacts.repository';
import { SUBJECT_BY_EMAIL } from '../src/authenticate/sign-in-subject.repository';

/*
 * Introspection's token lookup is a named prepared statement shared by concurrent lookups: its
 * generic plan, made once per connection, must probe the primary key (and the session's uid
 * index) for each value, on a table never analyzed. Joined with the lookups' arrays directly,
 * the table was planned as a sequential scan of every artefact.
 */
describe('identity: hot statements plan by their indexes on tables never analyzed', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('identity_plans', join(__dirname, '..', '..', 'prisma', 'migrations'));
  });
  after(async () => {
    await db?.drop();
  });

  test("introspection's shared token lookup", async () => {
    const plan = await genericPlan(db.url, FIND_TOKENS_SQL, ['{env_a,env_b}', '{hash_a,hash_b}', '{AccessToken,ClientCredentials,RefreshToken}']);
    const scans = plan.split('\n').filter((line) => /Scan .* on oauth_artifacts\b/.test(line));
    assert.equal(scans.length, 3, plan);
    assert.deepEqual(
      scans.map((line) => /using (\w+)/.exec(line)?.[1]),
      ['oauth_artifacts_pkey', 'oauth_artifacts_pkey', 'oauth_artifacts_uid'],
      plan,
    );
  });

  test("a password sign-in's one read: the user by email, its TOTP factors and active memberships, each by an index", async () => {
    const plan = await genericPlan(db.url, SUBJECT_BY_EMAIL, ['env_a', 'someone@example.com']);
    assert.doesNotMatch(plan, /Seq Scan/, plan);
    for (const table of ['users', 'auth_factors', 'organization_memberships']) assert.match(plan, new RegExp(`Index (Only )?Scan using \\w+ on ${table}\\b`), plan);
  });
});
