#!/usr/bin/env node
// Installs and builds the example apps under examples/ (each its own npm project with its own
// lockfile, outside the workspaces): `npm ci` from the lockfile when node_modules is missing or
// was installed from another lockfile, then the example's `build` script when its sources are
// newer than its build. Safe to run again; the browser tests call it before they start.
//   node tools/examples.mjs [name…]      (default: every example)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLES = join(ROOT, 'examples');
const STAMP = '.wos-lock-hash';

/** The newest modification time under `dir` (node_modules and build output excluded). */
function newest(dir, skip) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p, skip) : statSync(p).mtimeMs);
  }
  return t;
}

function run(cwd, args) {
  execFileSync('npm', args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, npm_config_update_notifier: 'false', NEXT_TELEMETRY_DISABLED: '1' } });
}

export function prepareExample(name) {
  const dir = join(EXAMPLES, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const lock = createHash('sha256').update(readFileSync(join(dir, 'package-lock.json'))).digest('hex');
  const stamp = join(dir, 'node_modules', STAMP);
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lock) {
    // Install scripts stay off (npm 11's default); the examples need none.
    run(dir, ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
    writeFileSync(stamp, lock);
  }
  const out = manifest.wos?.buildOutput ?? 'dist';
  const built = existsSync(join(dir, out)) ? newest(join(dir, out), new Set()) : 0;
  if (!built || newest(dir, new Set(['node_modules', out, '.next'])) > built) run(dir, ['run', 'build', '--silent']);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  for (const name of names.length ? names : readdirSync(EXAMPLES).filter((n) => existsSync(join(EXAMPLES, n, 'package.json')))) {
    console.error(`== examples/${name}`);
    prepareExample(name);
  }
}
