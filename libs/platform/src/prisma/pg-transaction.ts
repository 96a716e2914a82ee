import type { Pool, PoolClient } from 'pg';

/**
 * Runs `fn` in one transaction on a pooled connection, for repositories that write SQL by hand.
 * Invariant: every state change and its outbox rows go through the same client inside one call,
 * so they commit or roll back together. A deadlock or serialization failure rolls the whole
 * attempt back, so it is run again (up to 5 times).
 */
export async function pgTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(pool, fn);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 5 || (code !== '40P01' && code !== '40001')) throw err;
    }
  }
}

async function runOnce<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
