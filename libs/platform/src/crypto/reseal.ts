import type { Pool } from 'pg';
import type { SecretBox } from './secret-box';

/**
 * A database column of SecretBox-sealed values, declared by the service that seals them (its
 * `sealed-columns.ts`). `context` must rebuild, from the row's key, exactly the additional data the
 * service's own seal and open calls use: a value re-sealed under another context would no longer
 * open. Table and column names are code constants, quoted as identifiers, never input.
 */
export interface SealedColumn {
  table: string;
  /** The row's primary key (one column): the rows are walked in its order and updated by it. */
  key: string;
  column: string;
  /** The value's additional data, from the row's key read as text. */
  context: (key: string) => string;
}

/** How many values of a column each key id sealed (`kids`), and how many are under an older key (`stale`). */
export interface SealedColumnStatus {
  table: string;
  column: string;
  kids: Record<string, number>;
  stale: number;
}

export interface ResealReport {
  table: string;
  column: string;
  /** Values now sealed under the current key. */
  resealed: number;
  /** Values a writer changed between the read and the update: left as that writer wrote them. */
  changed: number;
  /** Values that did not open (unknown key, wrong context, tampered): left untouched, the first 20 named. */
  failed: number;
  failures: { key: string; error: string }[];
}

const MAX_LISTED_FAILURES = 20;
const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return `"${name}"`;
};

/** Counts each column's values by the key id that sealed them. Read-only. */
export async function sealedColumnStatus(pool: Pool, box: SecretBox, columns: readonly SealedColumn[]): Promise<SealedColumnStatus[]> {
  const out: SealedColumnStatus[] = [];
  for (const c of columns) {
    const col = ident(c.column);
    const { rows } = await pool.query<{ kid: string; n: string }>(`SELECT split_part(${col}, '.', 2) AS kid, count(*) AS n FROM ${ident(c.table)} WHERE ${col} IS NOT NULL GROUP BY 1 ORDER BY 1`);
    const kids = Object.fromEntries(rows.map((r) => [r.kid, Number(r.n)]));
    out.push({ table: c.table, column: c.column, kids, stale: rows.filter((r) => r.kid !== box.sealingKeyId).reduce((n, r) => n + Number(r.n), 0) });
  }
  return out;
}

/**
 * Re-seals every value of the column that an older key sealed under the box's current (first)
 * key, `batch` rows at a time in key order, so the older key can then be removed. Invariants:
 *  - a value is replaced only if it is still the one that was read (compare and set), so a
 *    concurrent writer's value is never overwritten, and running it twice, or on two machines at
 *    once, is harmless;
 *  - a value that does not open is left as it is and reported; nothing is ever deleted;
 *  - only the sealed column changes (no `updated_at`): the plaintext is the same.
 */
export async function resealColumn(pool: Pool, box: SecretBox, c: SealedColumn, batch = 500): Promise<ResealReport> {
  const [table, key, col] = [ident(c.table), ident(c.key), ident(c.column)];
  const report: ResealReport = { table: c.table, column: c.column, resealed: 0, changed: 0, failed: 0, failures: [] };
  const select = (after: string | undefined) =>
    pool.query<{ key: string; value: string }>(
      `SELECT ${key}::text AS key, ${col} AS value FROM ${table} WHERE ${col} IS NOT NULL AND split_part(${col}, '.', 2) <> $1${after === undefined ? '' : ` AND ${key} > $3`} ORDER BY ${key} LIMIT $2`,
      after === undefined ? [box.sealingKeyId, batch] : [box.sealingKeyId, batch, after],
    );
  let after: string | undefined;
  for (;;) {
    const { rows } = await select(after);
    for (const row of rows) {
      let fresh: string;
      try {
        const context = c.context(row.key);
        fresh = box.seal(box.open(row.value, context), context);
      } catch (err) {
        report.failed++;
        if (report.failures.length < MAX_LISTED_FAILURES) report.failures.push({ key: row.key, error: (err as Error).message });
        continue;
      }
      const updated = await pool.query(`UPDATE ${table} SET ${col} = $1 WHERE ${key} = $2 AND ${col} = $3`, [fresh, row.key, row.value]);
      if (updated.rowCount) report.resealed++;
      else report.changed++;
    }
    if (rows.length < batch) return report;
    after = rows[rows.length - 1]!.key;
  }
}
