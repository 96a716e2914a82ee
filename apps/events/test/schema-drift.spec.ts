import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { findSchemaDrift } from '@wos/platform';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';
import { MIGRATIONS_DIR, SCHEMA_PATH } from './support/events-harness';

describe('events schema', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('events_drift', MIGRATIONS_DIR);
  });
  after(async () => {
    await db?.drop();
  });

  test('the migrations create every table and column schema.prisma declares', async () => {
    assert.deepEqual(await findSchemaDrift(SCHEMA_PATH, db.url), []);
  });
});
