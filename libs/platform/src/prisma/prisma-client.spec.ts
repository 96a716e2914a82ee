import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { createTestDatabase, waitFor } from '../testing/testing';
import { createPgPool } from './prisma-client';

/* The chaos suite's Postgres fault, in small: a session killed while a transaction holds it. */
test('a checked-out pool client whose session is terminated fails its query, not the process', async () => {
  const db = await createTestDatabase('pg_pool_terminate');
  const pool = createPgPool(db.url, 2);
  const admin = new Client({ connectionString: db.url });
  await admin.connect();
  try {
    const client = await pool.connect();
    await client.query('BEGIN');
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    // Without a listener of its own the client's 'error' event would be an uncaught exception here.
    await waitFor(() => (client as unknown as { _queryable: boolean })._queryable === false, { message: 'the client noticed the terminated session' });
    await assert.rejects(client.query('SELECT 1'));
    client.release(true);
    assert.equal((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one, 1);
  } finally {
    await admin.end();
    await pool.end();
    await db.drop();
  }
});
