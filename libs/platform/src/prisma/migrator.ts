import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/* An arbitrary constant: every migrator run on one database serialises on it. */
const MIGRATION_LOCK_KEY = 72_707_369;

/** Reads `<dir>/<timestamp>_<name>/migration.sql` in name order (Prisma's folder layout). */
export function readMigrations(migrationsDir: string): MigrationFile[] {
  if (!existsSync(migrationsDir)) return [];
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(migrationsDir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** The platform's own migrations (outbox, inbox, dead letters), shipped beside its dist folder. */
export const PLATFORM_MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

/**
 * A service's migrations merged by name with the platform's, which every service gets. The
 * platform's are idempotent (IF NOT EXISTS), so services that made those tables themselves
 * before the kit keep them unchanged.
 */
export function withPlatformMigrations(own: MigrationFile[]): MigrationFile[] {
  const names = new Set(own.map((m) => m.name));
  const platform = readMigrations(PLATFORM_MIGRATIONS_DIR).filter((m) => !names.has(m.name));
  return [...own, ...platform].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Applies pending SQL migrations: the service's own and the platform's (withPlatformMigrations). It keeps Prisma's `_prisma_migrations` table, so
 * `prisma migrate deploy` agrees with it wherever the Prisma engine exists.
 * Invariants: migrations are append-only (a changed checksum of an applied migration is an
 * error, never silently re-run); each migration runs in its own transaction; an advisory lock
 * makes concurrent runs (several replicas starting at once) safe.
 */
export async function migrate(databaseUrl: string, migrationsDir: string): Promise<string[]> {
  const migrations = withPlatformMigrations(readMigrations(migrationsDir));
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const applied = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const byName = new Map(applied.rows.map((r) => [r.migration_name, r]));
    const done: string[] = [];
    for (const m of migrations) {
      const prior = byName.get(m.name);
      if (prior?.finished_at) {
        if (prior.checksum !== m.checksum) {
          throw new Error(`Migration ${m.name} was changed after it was applied (checksum mismatch). Migrations are append-only.`);
        }
        continue;
      }
      if (prior) throw new Error(`Migration ${m.name} previously failed; fix the database by hand and mark it rolled back.`);
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`);
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
