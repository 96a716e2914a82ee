import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pool, type QueryConfig } from 'pg';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';
import { OAuthArtifactsRepository } from '../src/oauth-server/oauth-artifacts.repository';
import type { PrismaService } from '../src/infra/prisma.service';
import { MIGRATIONS } from './support';

const ENV_A = 'environment_01HZBC6N1EB1ZY7KG32XLOOKUPA';
const ENV_B = 'environment_01HZBC6N1EB1ZY7KG32XLOOKUPB';

/*
 * Introspection's token lookups share statements under load: each caller must get exactly its
 * own value's rows, in its own environment, with its own grant and session, whichever lookups
 * shared its statement.
 */
describe('OAuth token lookups shared between concurrent introspections', () => {
  let db: TestDatabase;
  let pool: Pool;
  let repo: OAuthArtifactsRepository;
  let statements = 0;

  before(async () => {
    db = await createTestDatabase('oauth_token_lookups', MIGRATIONS);
    pool = new Pool({ connectionString: db.url, max: 4 });
    // The repository's pool, counting the shared lookup's statements.
    const counting = {
      query: (config: string | QueryConfig, values?: unknown[]) => {
        if (typeof config === 'object' && config.name === 'oauth_find_tokens') statements++;
        return pool.query(config as QueryConfig, values);
      },
    };
    repo = new OAuthArtifactsRepository({ pool: counting } as unknown as PrismaService);
    await repo.upsert(ENV_A, 'AccessToken', 'token-a', { jti: 'token-a', grantId: 'grant-a', sessionUid: 'session-a', accountId: 'user_a' }, 3600);
    await repo.upsert(ENV_A, 'Grant', 'grant-a', { jti: 'grant-a', accountId: 'user_a' }, 3600);
    await repo.upsert(ENV_A, 'Session', 'session-row-a', { uid: 'session-a', accountId: 'user_a' }, 3600);
    await repo.upsert(ENV_B, 'ClientCredentials', 'token-b', { jti: 'token-b', clientId: 'client_b' }, 3600);
    // The same value in B under another model, with a grant ID that exists only in A.
    await repo.upsert(ENV_B, 'RefreshToken', 'token-a', { jti: 'token-a', grantId: 'grant-a', accountId: 'user_b' }, 3600);
    await repo.upsert(ENV_A, 'AccessToken', 'expired', { jti: 'expired' }, -1);
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  test('each lookup gets its own rows, grant and session, never another environment’s', async () => {
    statements = 0;
    const lookups: [string, string][] = [
      [ENV_A, 'token-a'],
      [ENV_B, 'token-a'],
      [ENV_B, 'token-b'],
      [ENV_A, 'token-b'],
      [ENV_A, 'missing'],
      [ENV_A, 'expired'],
      [ENV_A, 'token-a'],
    ];
    const found = await Promise.all(lookups.map(([env, id]) => repo.findToken(env, id)));
    assert.ok(statements >= 1 && statements < lookups.length, `the ${lookups.length} lookups shared statements (${statements})`);

    const [aa, ba, bb, ab, missing, expired, aaAgain] = found;
    assert.deepEqual([...aa!.keys()], ['AccessToken']);
    const a = aa!.get('AccessToken')!;
    assert.equal(a.payload.jti, 'token-a', 'the value is restored into the payload');
    assert.equal(a.payload.accountId, 'user_a');
    assert.equal(a.grant?.accountId, 'user_a');
    assert.equal(a.session?.uid, 'session-a');
    assert.deepEqual(aaAgain, aa);

    assert.deepEqual([...ba!.keys()], ['RefreshToken'], "B's row of the same value, not A's");
    assert.equal(ba!.get('RefreshToken')!.payload.accountId, 'user_b');
    assert.equal(ba!.get('RefreshToken')!.grant, null, "A's grant is not B's");

    assert.deepEqual([...bb!.keys()], ['ClientCredentials']);
    assert.equal(bb!.get('ClientCredentials')!.payload.jti, 'token-b');
    assert.equal(ab!.size, 0, "B's token is unknown in A");
    assert.equal(missing!.size, 0);
    assert.equal(expired!.size, 0, 'an expired row is never returned');
  });
});
