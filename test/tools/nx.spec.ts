import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { APP_CATALOGUE } from '@wos/platform/stack';

const ROOT = resolve(__dirname, '..', '..', '..');

/** Runs a command of the checkout through npx, as the README tells a developer to. */
function npx(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('npx', ['--no-install', ...args], { cwd: ROOT, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' }, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function nxJson<T>(args: string[]): Promise<T> {
  const r = await npx(['nx', ...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

const apps = APP_CATALOGUE.map((a) => a.name).sort();
const libs = readdirSync(join(ROOT, 'libs')).sort();

/*
 * The README's Nx commands are real: every app and library is a project with the targets the
 * README names, `affected` follows the dependency graph, and `run-many -t build` builds.
 */
describe('Nx workspace (the README commands)', () => {
  test('every app, every library and the tests are projects', async () => {
    const projects = (await nxJson<string[]>(['show', 'projects'])).sort();
    assert.deepEqual(projects, [...apps, ...libs, 'tests'].sort());
  });

  test('each app builds with tsc after its Prisma client, and tests its own files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wos-nx-'));
    try {
      const r = await npx(['nx', 'graph', `--file=${join(dir, 'graph.json')}`]);
      assert.equal(r.code, 0, r.stderr);
      type Target = { options?: { command?: string }; dependsOn?: string[] };
      const graph = JSON.parse(readFileSync(join(dir, 'graph.json'), 'utf8')) as { graph: { nodes: Record<string, { data: { targets: Record<string, Target> } }> } };
      for (const app of apps) {
        const targets = graph.graph.nodes[app]!.data.targets;
        assert.equal(targets.build?.options?.command, `tsc -b apps/${app}`, `${app} build`);
        assert.deepEqual(targets.build?.dependsOn, ['^build', 'generate'], `${app} build order`);
        assert.ok((targets.test?.options?.command ?? '').includes(`'apps/${app}/dist/**/*.spec.js'`), `${app} test runs its own files`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('affected: a change to one app touches it and the tests; a change to contracts touches every app', async () => {
    const one = (await nxJson<string[]>(['show', 'projects', '--affected', '--files=apps/identity/src/main.ts'])).sort();
    assert.deepEqual(one, ['identity', 'tests']);
    const all = await nxJson<string[]>(['show', 'projects', '--affected', '--files=libs/contracts/src/index.ts']);
    for (const app of apps) assert.ok(all.includes(app), `${app} depends on contracts`);
  });

  test("run-many -t build plans libraries first and the app's Prisma client before it, and runs", async () => {
    const plan = await npx(['nx', 'run-many', '-t', 'build', '--projects=events', '--graph=stdout']);
    assert.equal(plan.code, 0, plan.stderr);
    const { tasks } = JSON.parse(plan.stdout) as { tasks: { dependencies: Record<string, string[]> } };
    assert.deepEqual([...tasks.dependencies['events:build']!].sort(), ['contracts:build', 'events:generate', 'platform:build']);
    assert.deepEqual(tasks.dependencies['platform:build'], ['contracts:build']);
    // A real run, of a project whose build is up to date here: it must not rewrite the outputs
    // that end-to-end stacks running beside this file load.
    const r = await npx(['nx', 'run-many', '-t', 'build', '--projects=contracts', '--outputStyle=static']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Successfully ran target build for project contracts/);
  });

  test('`npx wos` runs the one CLI from the checkout (the root package bin)', async () => {
    const r = await npx(['wos', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^  environments /m);
  });
});
