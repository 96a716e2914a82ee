import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { findSchemaDrift } from '@wos/platform';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';

const PRISMA = join(__dirname, '..', '..', 'prisma');

describe('dashboard schema', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('dashboard_drift', join(PRISMA, 'migrations'));
  });
  after(async () => {
    await db?.drop();
  });

  test('the migrations create every table and column schema.prisma declares', async () => {
    assert.deepEqual(await findSchemaDrift(join(PRISMA, 'schema.prisma'), db.url), []);
  });
});
