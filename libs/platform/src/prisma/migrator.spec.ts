import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing/testing';
import { migrate, readMigrations, PLATFORM_MIGRATIONS_DIR } from './migrator';
import { OUTBOX_DDL } from '../outbox/outbox-writer';
import { INBOX_DDL } from '../outbox/inbox';
import { CONSUMER_DEAD_LETTERS_DDL } from '../kafka/dead-letters';

const platform = readMigrations(PLATFORM_MIGRATIONS_DIR).map((m) => m.name);

/* Columns and indexes of the platform tables, as Postgres describes them. */
async function platformShape(url: string): Promise<unknown> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const cols = await c.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default, datetime_precision FROM information_schema.columns
       WHERE table_name IN ('outbox', 'outbox_dead_letters', 'inbox', 'consumer_dead_letters') ORDER BY table_name, column_name`,
    );
    const idx = await c.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('outbox', 'outbox_dead_letters', 'inbox', 'consumer_dead_letters') ORDER BY indexname`);
    return { cols: cols.rows, idx: idx.rows };
  } finally {
    await c.end();
  }
}

describe('platform migrations', () => {
  test('leave a service that made the platform tables itself (before the kit) exactly as it was, and give an empty database the same shape', async () => {
    const old = await createTestDatabase('platform_old');
    const fresh = await createTestDatabase('platform_fresh');
    const empty = mkdtempSync(join(tmpdir(), 'migrations-'));
    try {
      const c = new Client({ connectionString: old.url });
      await c.connect();
      await c.query(`${OUTBOX_DDL}\n${INBOX_DDL}\n${CONSUMER_DEAD_LETTERS_DDL}`);
      await c.end();
      const before = await platformShape(old.url);
      assert.deepEqual(await migrate(old.url, empty), platform);
      assert.deepEqual(await platformShape(old.url), before, 'the platform migration changed an existing table');
      await migrate(fresh.url, empty);
      assert.deepEqual(await platformShape(fresh.url), before, 'a new service gets a different shape than the relay and consumers were written for');
    } finally {
      rmSync(empty, { recursive: true, force: true });
      await old.drop();
      await fresh.drop();
    }
  });
});

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
    const expected = ['20260101000000_a', '20260102000000_b', ...platform].sort();
    assert.deepEqual(await migrate(db.url, dir), expected);
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const rows = await c.query('SELECT migration_name, finished_at IS NOT NULL AS done FROM _prisma_migrations ORDER BY migration_name');
    const tables = await c.query(`SELECT to_regclass('outbox') AS o, to_regclass('inbox') AS i, to_regclass('consumer_dead_letters') AS d`);
    await c.end();
    assert.deepEqual(rows.rows, expected.map((migration_name) => ({ migration_name, done: true })));
    assert.deepEqual(tables.rows[0], { o: 'outbox', i: 'inbox', d: 'consumer_dead_letters' }, 'every service gets the platform tables');
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
