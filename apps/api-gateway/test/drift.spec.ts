import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { findSchemaDrift } from '@wos/platform';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';
import { MIGRATIONS_DIR } from './support/gateway.harness';

describe('api-gateway schema', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('api_gateway_drift', MIGRATIONS_DIR);
  });
  after(() => db.drop());

  test('the migrations create every table and column of schema.prisma', async () => {
    const problems = await findSchemaDrift(join(MIGRATIONS_DIR, '..', 'schema.prisma'), db.url);
    assert.deepEqual(problems, []);
  });
});
