import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createTestDatabase, genericPlan, type TestDatabase } from '@wos/platform/testing';
import { OBJECT_BY_ID } from '../src/objects/objects.repository';

/*
 * The KV read is a named prepared statement: its generic plan, made once per connection, must
 * use the primary key on tables never analyzed. It used the (environment_id, name) index and
 * read every object of the environment per read (100 rows per read in tools/bench/vault.mjs).
 */
describe('vault: hot statements plan by the primary key on tables never analyzed', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('vault_plans', join(__dirname, '..', '..', 'prisma', 'migrations'));
  });
  after(async () => {
    await db?.drop();
  });

  test('reading an object by ID', async () => {
    const plan = await genericPlan(db.url, OBJECT_BY_ID, ['environment_plan', '01900000-0000-7000-8000-000000000001']);
    assert.match(plan, /Index Scan using vault_objects_pkey on vault_objects/, plan);
  });
});
