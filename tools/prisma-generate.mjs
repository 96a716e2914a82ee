// Generates each app's (or the named apps') Prisma client (apps/<app>/prisma/schema.prisma -> src/generated/prisma).
// `prisma generate` never runs the schema engine, but the CLI insists that the engine binary
// exists; pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable satisfies it offline.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prismaBin = join(root, 'node_modules', 'prisma', 'build', 'index.js');
const force = process.argv.includes('--force');
// `node tools/prisma-generate.mjs [--force] [app ...]`: the named apps, or every app.
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
for (const app of only.length ? only : readdirSync(join(root, 'apps'))) {
  const schema = join(root, 'apps', app, 'prisma', 'schema.prisma');
  if (!existsSync(schema)) continue;
  const marker = join(root, 'apps', app, 'src', 'generated', 'prisma', 'client.ts');
  if (!force && existsSync(marker) && statSync(marker).mtimeMs > statSync(schema).mtimeMs) continue;
  execFileSync(process.execPath, [prismaBin, 'generate', '--schema', schema], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
  console.log(`prisma: generated client for ${app}`);
}
