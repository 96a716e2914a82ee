import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureDatabase, dropDatabase, splitDatabaseUrl } from '../prisma/database';
import { migrate } from '../prisma/migrator';

/** Infrastructure addresses for tests; CI and the test script set these, defaults are local. */
export const testInfra = {
  postgresAdminUrl: process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};

/**
 * Which parallel checkout this test run is (WOS_TEST_SLOT, 0 by default). Fixed ports, e2e
 * database names and Kafka groups are shifted by it, so two checkouts can run the same test
 * files at once against the same Postgres and Kafka (each e2e stack runs its own Redis server;
 * the integration tests use REDIS_URL).
 */
export const testSlot: number = (() => {
  const raw = process.env.WOS_TEST_SLOT ?? '0';
  if (!/^[0-9]$/.test(raw)) throw new Error(`WOS_TEST_SLOT must be a digit 0-9, got "${raw}"`);
  return Number(raw);
})();

/** A fixed test port moved into this slot's range (slots are 10 ports apart). */
export function slotPort(port: number): number {
  return port + testSlot * 10;
}

/** Database `db` on the test Redis server (REDIS_URL without its own database number). */
export function testRedisUrl(db: number): string {
  const u = new URL(testInfra.redisUrl);
  u.pathname = `/${db}`;
  return u.toString();
}

export interface TestDatabase {
  url: string;
  drop: () => Promise<void>;
}

/** A fresh, migrated database for one test file. Drop it in `after()`. */
export async function createTestDatabase(label: string, migrationsDir?: string): Promise<TestDatabase> {
  const name = `wos_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const u = new URL(testInfra.postgresAdminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  await ensureDatabase(url);
  if (migrationsDir) await migrate(url, migrationsDir);
  return {
    url,
    drop: async () => {
      await sessionsClosed(url, DROP_GRACE_MS);
      await dropDatabase(url);
    },
  };
}

/* How long a test database's drop waits for its sessions to close before forcing them. */
const DROP_GRACE_MS = 500;

/*
 * Waits (bounded) until no session is connected to the database. `pool.end()` resolves once it
 * has asked its idle clients to end, not once they have: DROP … WITH (FORCE) then terminated a
 * backend that had not yet read its client's Terminate, the client got "terminating connection
 * due to administrator command" as an error, and the pool re-emitted it as an uncaught exception
 * after the test had passed (outbox-group-appender.spec, CI of 2026-12-06).
 */
async function sessionsClosed(url: string, timeoutMs: number): Promise<void> {
  const { adminUrl, database } = splitDatabaseUrl(url);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const closed = async () => (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [database])).rows[0]!.n === 0;
    // Still open after the grace: the drop's FORCE ends them.
    await waitFor(closed, { timeoutMs, intervalMs: 20 }).catch(() => undefined);
  } finally {
    await admin.end();
  }
}

/**
 * Polls until `probe` returns a value other than undefined/false. Tests wait on conditions,
 * never on fixed sleeps; the timeout turns a hang into a clear failure.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out waiting for ${opts.message ?? 'condition'}${why}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}

/** A random suffix so parallel test files never collide on names, topics or groups. */
export function uniqueSuffix(): string {
  return randomBytes(5).toString('hex');
}

export { pgExecutor } from '../outbox/outbox-writer';
