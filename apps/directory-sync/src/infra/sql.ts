import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { outboxInsertCte, withOutboxNotify, type OutboxMessage, type RawExecutor } from '@wos/platform';

export type Sql = Pool | PoolClient;

/**
 * Runs `fn` in one transaction on a pooled connection. Invariant: every state change and its
 * outbox rows go through the same client inside one call, so they commit or roll back together.
 */
export async function transaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  // A deadlock or serialization failure rolls the whole attempt back, so running it again is safe.
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

/** Appends events to the outbox on this client (NOTIFY wakes the relay at commit). */
export async function appendOutbox(client: Sql, messages: OutboxMessage[]): Promise<void> {
  if (!messages.length) return;
  const { cte, values } = outboxInsertCte(messages, 1);
  await client.query(withOutboxNotify(cte), values);
}

/** What claimInbox (libs/platform) needs, over a pg client. */
export function pgExecutor(client: PoolClient): RawExecutor {
  return { $executeRawUnsafe: async (text, ...values) => (await client.query(text, values)).rowCount ?? 0 };
}

const names = new Map<string, string>();

/**
 * A named prepared statement for `text`: Postgres parses and plans it once per connection
 * instead of on every call (planning dominated the users page under load). The name is derived
 * from the text, so one name never stands for two statements; values stay parameters, so the
 * set of texts is bounded by the code's query shapes.
 */
export function prepared(text: string, values: unknown[]): { name: string; text: string; values: unknown[] } {
  let name = names.get(text);
  if (!name) {
    name = `ds_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size < 10_000) names.set(text, name);
  }
  return { name, text, values };
}
