// Creates each app's database if missing and applies its SQL migrations.
// Usage: node tools/migrate.mjs [app ...]   (default: every app with prisma/migrations)
// The database URL comes from DATABASE_URL (one app only), else <APP>_DATABASE_URL, else the
// local default postgresql://postgres@127.0.0.1:5432/wos_<app>.
import { existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { ensureDatabase, migrate } = createRequire(import.meta.url)(join(root, 'libs/platform/dist/prisma/index.js'));

export function defaultDatabaseUrl(app, prefix = 'wos') {
  return `postgresql://postgres@127.0.0.1:5432/${prefix}_${app.replace(/-/g, '_')}`;
}

const all = readdirSync(join(root, 'apps')).filter((a) => existsSync(join(root, 'apps', a, 'prisma', 'migrations')));
const apps = process.argv.slice(2).length ? process.argv.slice(2) : all;
for (const app of apps) {
  const envName = `${app.replace(/-/g, '_').toUpperCase()}_DATABASE_URL`;
  const url = (apps.length === 1 && process.env.DATABASE_URL) || process.env[envName] || defaultDatabaseUrl(app);
  const created = await ensureDatabase(url);
  const applied = await migrate(url, join(root, 'apps', app, 'prisma', 'migrations'));
  console.log(`migrate: ${app}${created ? ' (database created)' : ''}: ${applied.length ? applied.join(', ') : 'up to date'}`);
}
