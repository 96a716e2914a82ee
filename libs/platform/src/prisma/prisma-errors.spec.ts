import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing/testing';
import { isUniqueViolation } from './prisma-errors';

/*
 * The kit's one Prisma error mapper. The errors here come from a real Postgres (SQLSTATE 23505 on
 * the pg pool, as hand-written statements meet them); the Prisma path (P2002 through the pg
 * adapter) is exercised on a real generated client in apps/api-gateway/test/builtin-environment.spec.ts.
 */
describe('isUniqueViolation', () => {
  let db: TestDatabase;
  let pg: Client;
  before(async () => {
    db = await createTestDatabase('prisma_errors');
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    await pg.query('CREATE TABLE things (id TEXT PRIMARY KEY, slug TEXT NOT NULL, CONSTRAINT things_slug_key UNIQUE (slug), CHECK (length(id) > 1))');
    await pg.query("INSERT INTO things VALUES ('t1', 'first')");
  });
  after(async () => {
    await pg?.end();
    await db?.drop();
  });

  const failure = (sql: string, params: unknown[]) => pg.query(sql, params).then(() => assert.fail(`${sql} succeeded`), (err: unknown) => err);

  test('a duplicate on the pg pool (23505) is one, on the constraint it names', async () => {
    const dupSlug = await failure('INSERT INTO things VALUES ($1, $2)', ['t2', 'first']);
    assert.equal(isUniqueViolation(dupSlug), true);
    assert.equal(isUniqueViolation(dupSlug, 'slug'), true);
    assert.equal(isUniqueViolation(dupSlug, 'email'), false);
    const dupId = await failure('INSERT INTO things VALUES ($1, $2)', ['t1', 'other']);
    assert.equal(isUniqueViolation(dupId), true);
    assert.equal(isUniqueViolation(dupId, 'slug'), false);
  });

  test('other database errors, and what is not an error, are not', async () => {
    assert.equal(isUniqueViolation(await failure('INSERT INTO things VALUES ($1, $2)', ['x', 'short id'])), false, 'a check violation (23514)');
    assert.equal(isUniqueViolation(await failure('INSERT INTO things VALUES ($1, NULL)', ['t3'])), false, 'a not-null violation (23502)');
    assert.equal(isUniqueViolation(await failure('SELECT * FROM missing_table', [])), false, 'an undefined table (42P01)');
    for (const value of [undefined, null, 'P2002', 23505, new Error('duplicate key'), { code: 'P2025' }]) assert.equal(isUniqueViolation(value), false, String(value));
  });
});
