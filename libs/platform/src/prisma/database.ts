import { Client } from 'pg';

/** Splits a database URL into the server's maintenance URL and the database name. */
export function splitDatabaseUrl(url: string): { adminUrl: string; database: string } {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[a-zA-Z0-9_]+$/.test(database)) throw new Error(`Database name must match [a-zA-Z0-9_]+, got "${database}"`);
  u.pathname = '/postgres';
  return { adminUrl: u.toString(), database };
}

/** Creates the database named in `url` if it does not exist yet. Safe to run concurrently. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const { adminUrl, database } = splitDatabaseUrl(url);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${database}"`);
    } catch (err) {
      if ((err as { code?: string }).code !== '42P04') throw err; // created by a concurrent run
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const { adminUrl, database } = splitDatabaseUrl(url);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
