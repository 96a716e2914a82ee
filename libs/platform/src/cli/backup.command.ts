import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { APP_CATALOGUE } from '../stack/catalogue';
import { CliUsageError, requireOption, table, type CliContext, type CliModule, type CliOption } from './command';

/**
 * `wos backup create|restore` (deploy/README.md "Backups"): every service database, or the
 * --app ones. A database's URL is `<APP>_DATABASE_URL` when set (as for tools/migrate.mjs), else
 * `<prefix>_<app>` on the --postgres-url server (the run command, Compose and Helm all use `wos`).
 */

const TARGET_OPTIONS: Record<string, CliOption> = {
  dir: { type: 'string', value: 'DIR', description: 'the backup directory (one <app>.dump per database and manifest.json)' },
  app: { type: 'string', multiple: true, value: 'APP', description: 'only these apps (repeatable); default every app with migrations' },
  'postgres-url': { type: 'string', value: 'URL', description: 'the server (default $POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/postgres)' },
  prefix: { type: 'string', value: 'PREFIX', description: 'databases are named PREFIX_<app> (default wos)' },
};

/** The apps that have a database: those of the catalogue with prisma/migrations in this build. */
export function appsWithDatabases(root: string): string[] {
  return APP_CATALOGUE.map((a) => a.name).filter((n) => existsSync(join(root, 'apps', n, 'prisma', 'migrations')));
}

function targets(root: string, ctx: CliContext, apps: string[]): { app: string; url: string }[] {
  const all = appsWithDatabases(root);
  const wanted = (ctx.options.app as string[] | undefined) ?? apps;
  const unknown = wanted.filter((a) => !all.includes(a));
  if (unknown.length) throw new CliUsageError(`no database for app(s) ${unknown.join(', ')} (apps with one: ${all.join(', ')})`);
  const prefix = (ctx.options.prefix as string | undefined) ?? 'wos';
  if (!/^[a-zA-Z0-9_]+$/.test(prefix)) throw new CliUsageError('--prefix must match [a-zA-Z0-9_]+');
  const server = (ctx.options['postgres-url'] as string | undefined) ?? ctx.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  return wanted.map((app) => {
    const own = ctx.env[`${app.replace(/-/g, '_').toUpperCase()}_DATABASE_URL`];
    if (own) return { app, url: own };
    const u = new URL(server);
    u.pathname = `/${prefix}_${app.replace(/-/g, '_')}`;
    return { app, url: u.toString() };
  });
}

export function backupCliModule(root: string): CliModule {
  return {
    service: 'platform',
    groups: [
      {
        name: 'backup',
        summary: 'pg_dump every service database into a directory with a manifest; restore it',
        details: 'Needs pg_dump and pg_restore (PostgreSQL client 15 or newer) on PATH. Not in a backup: Kafka, Redis, the key roots, export files (deploy/README.md "Backups").',
        commands: [
          {
            name: 'create',
            summary: 'dump each database (custom format) and write manifest.json last',
            options: TARGET_OPTIONS,
            async run(ctx) {
              const dir = requireOption(ctx, 'dir');
              const { createBackup } = require('./backup') as typeof import('./backup');
              const m = await createBackup(dir, targets(root, ctx, appsWithDatabases(root)), (l) => !ctx.json && ctx.print(l));
              ctx.result(m, () =>
                [
                  table([['APP', 'DATABASE', 'MIGRATION', 'BYTES'], ...m.entries.map((e) => [e.app, e.database, e.migration.latest ?? '-', String(e.bytes)])]),
                  `backup written to ${dir}/manifest.json. Not covered: ${m.not_covered.join('; ')}.`,
                ].join('\n'),
              );
            },
          },
          {
            name: 'restore',
            summary: 'check every checksum, then pg_restore each database (missing or empty ones only, unless --force)',
            options: {
              ...TARGET_OPTIONS,
              app: { ...TARGET_OPTIONS.app!, description: 'only these apps (repeatable); default every app in the manifest' },
              force: { type: 'boolean', description: 'drop and replace non-empty databases (stop the services first)' },
            },
            details: 'Restores into PREFIX_<app> (or <APP>_DATABASE_URL), which may differ from the names backed up. Nothing is changed when a checksum fails or a target is non-empty without --force. Start the services (or run migrations) afterwards.',
            async run(ctx) {
              const dir = requireOption(ctx, 'dir');
              const { restoreBackup, readManifest } = require('./backup') as typeof import('./backup');
              const inManifest = readManifest(dir).entries.map((e) => e.app);
              const r = await restoreBackup(root, dir, targets(root, ctx, inManifest), { force: ctx.options.force === true }, (l) => !ctx.json && ctx.print(l));
              ctx.result({ restored: r.restored.map((e) => ({ app: e.app, migration: e.migration.latest })), created_at: r.manifest.created_at }, () => `restored ${r.restored.length} database(s) from the backup of ${r.manifest.created_at}`);
            },
          },
        ],
      },
    ],
  };
}
