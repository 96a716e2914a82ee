import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing/testing';
import { migrate } from './migrator';

describe('migrate (real Postgres)', () => {
  let db: TestDatabase;
  let dir: string;
  const write = (name: string, sql: string) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  };

  before(async () => {
    db = await createTestDatabase('migrator');
    dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  });
  after(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('applies pending migrations in name order and records them like Prisma', async () => {
    write('20260101000000_a', 'CREATE TABLE a (id int);');
    write('20260102000000_b', 'ALTER TABLE a ADD COLUMN name text;');
    assert.deepEqual(await migrate(db.url, dir), ['20260101000000_a', '20260102000000_b']);
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const rows = await c.query('SELECT migration_name, finished_at IS NOT NULL AS done FROM _prisma_migrations ORDER BY migration_name');
    await c.end();
    assert.deepEqual(rows.rows, [{ migration_name: '20260101000000_a', done: true }, { migration_name: '20260102000000_b', done: true }]);
  });

  test('a second run applies nothing; concurrent runs are safe', async () => {
    const results = await Promise.all([migrate(db.url, dir), migrate(db.url, dir), migrate(db.url, dir)]);
    assert.deepEqual(results, [[], [], []]);
  });

  test('a failing migration rolls back entirely and is reported', async () => {
    write('20260103000000_bad', 'CREATE TABLE c (id int); SELECT no_such_function();');
    await assert.rejects(migrate(db.url, dir), /20260103000000_bad failed/);
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const t = await c.query("SELECT to_regclass('c') AS t");
    await c.end();
    assert.equal(t.rows[0].t, null);
    rmSync(join(dir, '20260103000000_bad'), { recursive: true });
  });

  test('editing an applied migration is refused (append-only)', async () => {
    write('20260101000000_a', 'CREATE TABLE a (id bigint);');
    await assert.rejects(migrate(db.url, dir), /changed after it was applied/);
  });
});
