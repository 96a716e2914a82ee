import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');

test('the CI count reporter names each failure, then ends with "N passed, N failed"', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wos-reporter-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = join(dir, 'sample.spec.mjs');
  writeFileSync(spec, [
    "import { describe, test, before } from 'node:test';",
    "describe('a suite', () => { test('passes', () => {}); test('fails', () => { throw new Error('boom\\nsecond line'); }); test('skipped', { skip: true }, () => {}); });",
    "describe('a broken hook', () => { before(() => { throw new Error('hook down'); }); test('never runs', () => {}); });",
  ].join('\n'));
  const out = join(dir, 'count');
  // Without NODE_TEST_CONTEXT: it would make the child report to this runner instead of running its own.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--test', `--test-reporter=${join(ROOT, 'tools/test-count-reporter.mjs')}`, `--test-reporter-destination=${out}`, spec], { cwd: dir, env, encoding: 'utf8' });
  assert.equal(run.status, 1);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines.at(-1), '1 passed, 3 failed');
  assert.deepEqual(lines.slice(0, -1).sort(), [
    '✖ sample.spec.mjs › a broken hook: hook down',
    '✖ sample.spec.mjs › fails: boom',
    '✖ sample.spec.mjs › never runs: test did not finish before its parent and was cancelled',
  ]);
});
