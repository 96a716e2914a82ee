import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing/testing';
import { resealColumn, sealedColumnStatus, type SealedColumn } from './reseal';
import { SecretBox } from './secret-box';

const OLD = SecretBox.generateKeys('old');
const NEW = SecretBox.generateKeys('new');

/** Two tables as services have them: text keys with the row's id as context, bigint keys with a prefixed one. */
const SECRETS: SealedColumn = { table: 'secrets', key: 'id', column: 'sealed', context: (id) => id };
const DELIVERIES: SealedColumn = { table: 'deliveries', key: 'id', column: 'copy', context: (id) => `delivery:${id}` };

describe('re-sealing stored secrets after a key rotation (wos secrets <service> reseal)', () => {
  let db: TestDatabase;
  let pool: Pool;
  const before_ = SecretBox.fromConfig(OLD);
  const rotated = SecretBox.fromConfig(`${NEW},${OLD}`);
  const only = SecretBox.fromConfig(NEW);

  before(async () => {
    db = await createTestDatabase('reseal');
    pool = new Pool({ connectionString: db.url, max: 2 });
    await pool.query('CREATE TABLE secrets (id text PRIMARY KEY, sealed text, updated_at timestamptz NOT NULL DEFAULT now())');
    await pool.query('CREATE TABLE deliveries (id bigserial PRIMARY KEY, copy text)');
    for (let i = 0; i < 25; i++) {
      const id = `sec_${String(i).padStart(2, '0')}`;
      await pool.query('INSERT INTO secrets (id, sealed, updated_at) VALUES ($1, $2, $3)', [id, i === 7 ? null : before_.seal(`secret ${i}`, id), '2020-01-01T00:00:00Z']);
    }
    for (let i = 1; i <= 12; i++) await pool.query('INSERT INTO deliveries (id, copy) VALUES ($1, $2)', [i, before_.seal(`mail ${i}`, `delivery:${i}`)]);
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  const values = async (c: SealedColumn) => (await pool.query<{ id: string; v: string | null }>(`SELECT id::text AS id, ${c.column} AS v FROM ${c.table} ORDER BY id`)).rows;

  test('every stale value is sealed again under the first key, opens without the old key, and nothing else changes', async () => {
    assert.deepEqual(await sealedColumnStatus(pool, rotated, [SECRETS, DELIVERIES]), [
      { table: 'secrets', column: 'sealed', kids: { old: 24 }, stale: 24 },
      { table: 'deliveries', column: 'copy', kids: { old: 12 }, stale: 12 },
    ]);
    // Batches smaller than the table: the walk pages by key, for text and bigint keys alike.
    assert.deepEqual(await resealColumn(pool, rotated, SECRETS, 5), { table: 'secrets', column: 'sealed', resealed: 24, changed: 0, failed: 0, failures: [] });
    assert.deepEqual(await resealColumn(pool, rotated, DELIVERIES, 5), { table: 'deliveries', column: 'copy', resealed: 12, changed: 0, failed: 0, failures: [] });
    for (const r of await values(SECRETS)) {
      if (r.id === 'sec_07') assert.equal(r.v, null, 'an empty value stays empty');
      else assert.equal(only.openString(r.v!, r.id), `secret ${Number(r.id.slice(4))}`);
    }
    for (const r of await values(DELIVERIES)) assert.equal(only.openString(r.v!, `delivery:${r.id}`), `mail ${r.id}`);
    const touched = await pool.query("SELECT count(*)::int AS n FROM secrets WHERE updated_at <> '2020-01-01T00:00:00Z'");
    assert.equal(touched.rows[0].n, 0, 'updated_at is left alone');
    assert.deepEqual((await sealedColumnStatus(pool, only, [SECRETS]))[0], { table: 'secrets', column: 'sealed', kids: { new: 24 }, stale: 0 });
    assert.equal((await resealColumn(pool, rotated, SECRETS)).resealed, 0, 'a second run has nothing to do');
  });

  test('a value that does not open is named and left untouched; the others are re-sealed', async () => {
    await pool.query('INSERT INTO secrets (id, sealed) VALUES ($1, $2), ($3, $4)', ['sec_moved', before_.seal('copied from another row', 'sec_other'), 'sec_unknown', SecretBox.fromConfig(SecretBox.generateKeys('gone')).seal('x', 'sec_unknown')]);
    await pool.query('INSERT INTO secrets (id, sealed) VALUES ($1, $2)', ['sec_zz', before_.seal('late', 'sec_zz')]);
    const moved = (await values(SECRETS)).find((r) => r.id === 'sec_moved')!.v;
    const report = await resealColumn(pool, rotated, SECRETS, 2);
    assert.equal(report.resealed, 1);
    assert.equal(report.failed, 2);
    assert.deepEqual(
      report.failures.map((f) => f.key),
      ['sec_moved', 'sec_unknown'],
    );
    assert.match(report.failures[1]!.error, /unknown key id gone/);
    assert.equal((await values(SECRETS)).find((r) => r.id === 'sec_moved')!.v, moved);
    assert.equal((await sealedColumnStatus(pool, rotated, [SECRETS]))[0]!.stale, 2);
    await pool.query("DELETE FROM secrets WHERE id IN ('sec_moved', 'sec_unknown')");
  });

  test('a value a writer replaced between the read and the update is kept as the writer wrote it', async () => {
    await pool.query('INSERT INTO secrets (id, sealed) VALUES ($1, $2)', ['sec_raced', before_.seal('v1', 'sec_raced')]);
    // The writer's statement commits just before the reseal's update of that row (compare and set).
    const racing = new Proxy(pool, {
      get(target, prop, receiver) {
        if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
        return async (text: string, params?: unknown[]) => {
          if (text.startsWith('UPDATE') && params?.[1] === 'sec_raced') await target.query('UPDATE secrets SET sealed = $1 WHERE id = $2', [only.seal('v2', 'sec_raced'), 'sec_raced']);
          return target.query(text, params);
        };
      },
    });
    const report = await resealColumn(racing, rotated, SECRETS);
    assert.equal(report.changed, 1);
    assert.equal(report.resealed, 0);
    assert.equal(only.openString((await values(SECRETS)).find((r) => r.id === 'sec_raced')!.v!, 'sec_raced'), 'v2', 'the writer wins');
  });
});
