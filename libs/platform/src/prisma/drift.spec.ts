import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing/testing';
import { findSchemaDrift } from './drift';

let db: TestDatabase;
let dir: string;
before(async () => {
  db = await createTestDatabase('drift');
  dir = mkdtempSync(join(tmpdir(), 'drift-'));
});
after(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

test('findSchemaDrift reports missing tables, missing columns and nullability mismatches', async () => {
  const schema = join(dir, 'schema.prisma');
  writeFileSync(
    schema,
    `datasource db {
  provider = "postgresql"
}
model Thing {
  id    String  @id
  name  String
  note  String? @map("the_note")
  count Int
  @@map("things")
}
model Gone {
  id String @id
}`,
  );
  const c = new Client({ connectionString: db.url });
  await c.connect();
  await c.query('CREATE TABLE things (id text PRIMARY KEY, name text, the_note text)');
  await c.end();
  const problems = await findSchemaDrift(schema, db.url);
  assert.deepEqual(
    problems.map((p) => p.problem).sort(),
    ['column "things.count" is missing', 'column "things.name" is nullable but the schema says required', 'table "Gone" is missing'],
  );
});
