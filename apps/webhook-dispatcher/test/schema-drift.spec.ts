import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { findSchemaDrift } from '@wos/platform';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';

const APP_DIR = join(__dirname, '..', '..');

describe('webhook-dispatcher schema', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('webhooks_drift', join(APP_DIR, 'prisma', 'migrations'));
  });
  after(async () => {
    await db?.drop();
  });

  test('the migrations create every table and column schema.prisma declares', async () => {
    assert.deepEqual(await findSchemaDrift(join(APP_DIR, 'prisma', 'schema.prisma'), db.url), []);
  });
});
