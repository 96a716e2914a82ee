import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase, splitDatabaseUrl } from '../prisma/database';
import { PLATFORM_MIGRATIONS_DIR, readMigrations } from '../prisma/migrator';
import { CliFailure, EXIT } from './command';

/**
 * `wos backup create|restore`: one `pg_dump` custom-format file per service database plus a
 * manifest. Invariants: the manifest is written last, by rename, so a directory without one is
 * not a backup (an interrupted `create` can never be restored); `restore` checks every file's
 * checksum and every target database before it changes anything, and restores each database in
 * one transaction (`pg_restore --single-transaction --exit-on-error`).
 */

export const BACKUP_FORMAT = 'wos-backup/1';
export const MANIFEST_FILE = 'manifest.json';

/** What a backup does not hold (deploy/README.md "Backups" explains each). Printed and kept in the manifest. */
export const NOT_COVERED = [
  'Kafka topics and consumer-group offsets (every event is also in its producer\'s outbox table and in the events database)',
  'Redis (rate-limit counters, idempotency keys, BullMQ jobs, short-lived sign-in state)',
  'the key roots: SECRET_ENCRYPTION_KEYS / WOS_SECRET_ENCRYPTION_ROOT, VAULT_ROOT_KEYS, the internal-auth root',
  'audit-log export files (AUDIT_LOGS_EXPORT_DIR or S3) and anything else outside Postgres',
];

export interface BackupEntry {
  app: string;
  /** The database the dump was taken from (restore may target another name, see --prefix). */
  database: string;
  file: string;
  sha256: string;
  bytes: number;
  /** The newest applied migration (Prisma's `_prisma_migrations`) and how many are applied. */
  migration: { latest: string | null; applied: number };
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  created_at: string;
  pg_dump_version: string;
  server_version: string;
  entries: BackupEntry[];
  not_covered: string[];
}

export interface BackupTarget {
  app: string;
  url: string;
}

/** The password leaves the URL (pg_dump would show it in `ps`) and travels in PGPASSWORD. */
function pgArgs(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new CliFailure(`${bin} not found: install the PostgreSQL client tools (Debian: apt-get install postgresql-client-15) or put them on PATH`, EXIT.unavailable) : e),
    );
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new CliFailure(`${bin} ${args[0]} failed (${code}): ${err.trim().split('\n').slice(-3).join(' | ')}`))));
  });
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function databaseExists(url: string): Promise<boolean> {
  const { adminUrl, database } = splitDatabaseUrl(url);
  return withClient(adminUrl, async (c) => ((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount ?? 0) > 0);
}

/** Relations outside the system schemas: a database with none is empty (freshly created). */
async function userRelations(url: string): Promise<number> {
  return withClient(url, async (c) => {
    const r = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`,
    );
    return Number(r.rows[0]!.n);
  });
}

async function migrationState(url: string): Promise<BackupEntry['migration']> {
  return withClient(url, async (c) => {
    const table = await c.query(`SELECT to_regclass('"_prisma_migrations"') AS t`);
    if (!table.rows[0].t) return { latest: null, applied: 0 };
    const r = await c.query<{ migration_name: string }>(
      'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name DESC',
    );
    return { latest: r.rows[0]?.migration_name ?? null, applied: r.rowCount ?? 0 };
  });
}

/** Dumps every target; refuses a directory that already holds a backup, and a missing database. */
export async function createBackup(dir: string, targets: BackupTarget[], log: (line: string) => void): Promise<BackupManifest> {
  if (existsSync(join(dir, MANIFEST_FILE))) throw new CliFailure(`${dir} already holds a backup (${MANIFEST_FILE}); choose an empty directory`);
  mkdirSync(dir, { recursive: true });
  const missing: string[] = [];
  for (const t of targets) if (!(await databaseExists(t.url))) missing.push(`${t.app} (${splitDatabaseUrl(t.url).database})`);
  if (missing.length) throw new CliFailure(`no database for ${missing.join(', ')}; name the apps to back up with --app`);
  const pgDumpVersion = (await run('pg_dump', ['--version'], process.env)).trim();
  const entries: BackupEntry[] = [];
  let serverVersion = '';
  for (const t of targets) {
    const file = `${t.app}.dump`;
    const { dbname, env } = pgArgs(t.url);
    // Read before the dump; restore checks the restored state against it, so a migration that ran
    // during the dump fails that restore loudly (do not back up while migrating).
    const migration = await migrationState(t.url);
    serverVersion ||= await withClient(t.url, async (c) => (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v);
    await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${join(dir, file)}`, `--dbname=${dbname}`], env);
    const entry: BackupEntry = { app: t.app, database: splitDatabaseUrl(t.url).database, file, sha256: await sha256File(join(dir, file)), bytes: statSync(join(dir, file)).size, migration };
    entries.push(entry);
    log(`backup: ${t.app}: ${entry.database} -> ${file} (${entry.bytes} bytes, migration ${migration.latest ?? 'none'})`);
  }
  const manifest: BackupManifest = { format: BACKUP_FORMAT, created_at: new Date().toISOString(), pg_dump_version: pgDumpVersion, server_version: serverVersion, entries, not_covered: NOT_COVERED };
  writeFileSync(join(dir, `${MANIFEST_FILE}.tmp`), `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(join(dir, `${MANIFEST_FILE}.tmp`), join(dir, MANIFEST_FILE));
  return manifest;
}

export function readManifest(dir: string): BackupManifest {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw new CliFailure(`${dir} holds no ${MANIFEST_FILE}: not a backup, or an interrupted one`);
  let m: BackupManifest;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as BackupManifest;
  } catch (err) {
    throw new CliFailure(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (m.format !== BACKUP_FORMAT || !Array.isArray(m.entries)) throw new CliFailure(`${file}: unknown format ${JSON.stringify(m.format)} (expected ${BACKUP_FORMAT})`);
  for (const e of m.entries) {
    if (typeof e.app !== 'string' || typeof e.file !== 'string' || !/^[a-z0-9-]+\.dump$/.test(e.file) || !/^[0-9a-f]{64}$/.test(e.sha256 ?? '')) {
      throw new CliFailure(`${file}: malformed entry ${JSON.stringify(e)}`);
    }
  }
  return m;
}

/** Every dump present with its recorded size and SHA-256; the mismatches, empty when all hold. */
export async function verifyBackup(dir: string, manifest: BackupManifest): Promise<string[]> {
  const bad: string[] = [];
  for (const e of manifest.entries) {
    const path = join(dir, e.file);
    if (!existsSync(path)) bad.push(`${e.file} is missing`);
    else if (statSync(path).size !== e.bytes || (await sha256File(path)) !== e.sha256) bad.push(`${e.file} does not match its checksum`);
  }
  return bad;
}

/** The migrations this checkout knows for an app (its own and the platform's). */
function knownMigrations(root: string, app: string): Set<string> {
  return new Set([...readMigrations(join(root, 'apps', app, 'prisma', 'migrations')), ...readMigrations(PLATFORM_MIGRATIONS_DIR)].map((m) => m.name));
}

/**
 * Restores the manifest's entries into `targets` (by app). Nothing is changed unless every
 * checksum holds and every target database is missing or empty, or `force` is set (then each
 * target is dropped and created again: stop the services first).
 */
export async function restoreBackup(
  root: string,
  dir: string,
  targets: BackupTarget[],
  opts: { force: boolean },
  log: (line: string) => void,
): Promise<{ manifest: BackupManifest; restored: BackupEntry[] }> {
  const manifest = readManifest(dir);
  const bad = await verifyBackup(dir, manifest);
  if (bad.length) throw new CliFailure(`refusing to restore: ${bad.join('; ')}`);
  const plan = targets.map((t) => {
    const entry = manifest.entries.find((e) => e.app === t.app);
    if (!entry) throw new CliFailure(`the backup holds no database of ${t.app} (it has ${manifest.entries.map((e) => e.app).join(', ')})`);
    return { target: t, entry };
  });
  if (!opts.force) {
    const occupied: string[] = [];
    for (const { target } of plan) {
      if ((await databaseExists(target.url)) && (await userRelations(target.url)) > 0) occupied.push(splitDatabaseUrl(target.url).database);
    }
    if (occupied.length) throw new CliFailure(`refusing to overwrite non-empty database(s) ${occupied.join(', ')}; pass --force to drop and replace them`);
  }
  for (const { target, entry } of plan) {
    if (opts.force) await dropDatabase(target.url);
    await ensureDatabase(target.url);
    const { dbname, env } = pgArgs(target.url);
    await run('pg_restore', ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', `--dbname=${dbname}`, join(dir, entry.file)], env);
    const state = await migrationState(target.url);
    if (state.latest !== entry.migration.latest || state.applied !== entry.migration.applied) {
      throw new CliFailure(`${target.app}: restored migration state ${state.latest} (${state.applied}) differs from the manifest's ${entry.migration.latest} (${entry.migration.applied})`);
    }
    const known = knownMigrations(root, target.app);
    const ahead = entry.migration.latest && known.size && !known.has(entry.migration.latest);
    log(`restore: ${target.app}: ${entry.file} -> ${splitDatabaseUrl(target.url).database} (migration ${entry.migration.latest ?? 'none'})${ahead ? ' — newer than this release\'s migrations: run that release (or newer) on it' : ''}`);
  }
  return { manifest, restored: plan.map((p) => p.entry) };
}
