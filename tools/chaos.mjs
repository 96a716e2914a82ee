#!/usr/bin/env node
// `npm run chaos [-- --short]`: the chaos suite (docs/reliability.md) on a private stack with its
// own Kafka broker and Redis server. Full mode holds each fault for the durations (about
// 25 minutes on a 2-core box); --short (or CHAOS_SHORT=1) a few seconds each, as the test command
// runs it. Build first (npm run build; npx tsc -b test/tsconfig.json).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const spec = join(root, 'test', 'dist', 'chaos', 'chaos.spec.js');
if (!existsSync(spec)) {
  console.error('test/dist/chaos/chaos.spec.js is missing: run `npm run build && npx tsc -b test/tsconfig.json` first');
  process.exit(2);
}
const short = process.argv.includes('--short') || process.env.CHAOS_SHORT === '1';
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', spec], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CHAOS_SHORT: short ? '1' : '0' },
});
process.exit(run.status ?? 1);
