import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { findSchemaDrift } from '@wos/platform';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';
import { MIGRATIONS, SCHEMA } from './support/harness';

describe('sso schema', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('sso_drift', MIGRATIONS);
  });
  after(async () => {
    await db?.drop();
  });

  test('the migrations create every table and column schema.prisma declares', async () => {
    assert.deepEqual(await findSchemaDrift(SCHEMA, db.url), []);
  });
});
