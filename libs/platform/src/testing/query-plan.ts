import { Client } from 'pg';

/**
 * The plan Postgres keeps for a named prepared statement once it stops replanning it (the
 * generic plan, made with the parameters unknown), as EXPLAIN prints it for `values`. That plan
 * is made once per connection with the statistics of that moment, and nothing replans it while
 * a table grows unless an ANALYZE runs (autovacuum does; it is off on the test machines). A hot
 * statement must therefore get a good plan from its shape alone, even on a table never
 * analyzed: a test asks for this plan on freshly migrated, empty tables.
 */
export async function genericPlan(databaseUrl: string, sql: string, values: readonly (string | number | boolean | null)[]): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL plan_cache_mode = force_generic_plan');
    await client.query(`PREPARE plan_probe AS ${sql}`);
    const args = values.map((v) => (v === null ? 'NULL' : client.escapeLiteral(String(v)))).join(', ');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE plan_probe(${args})`);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}

/**
 * The plan of `sql` when `index` (and the primary key) is the only index `table` has and
 * sequential scans are off: the test's question is whether that index can serve the query at all.
 * On a test's tiny table any index on the leading column would otherwise win, so the others are
 * dropped inside a transaction that is rolled back: nothing changes.
 */
export async function planWithOnlyIndex(databaseUrl: string, table: string, index: string, sql: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const others = await client.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = $1 AND indexname <> $2 AND indexname <> $3`, [table, index, `${table}_pkey`]);
    for (const r of others.rows) await client.query(`DROP INDEX ${client.escapeIdentifier(r.indexname)}`);
    await client.query('SET LOCAL enable_seqscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}
