import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';

/*
 * The service generator (libs/platform/generators/service) run on an in-memory Nx tree over this
 * checkout: a new app is listed everywhere an app must be, and every app that still carries the
 * template's sample is exactly the generator's output, so the generated services repeat each
 * other only because they come from one source.
 */
const ROOT = resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { FsTree } = require(join(ROOT, 'node_modules/nx/src/generators/tree')) as { FsTree: new (root: string, verbose: boolean) => Tree };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generate = require(join(ROOT, 'libs/platform/generators/service/generator.js')) as (tree: Tree, o: { name: string; port?: number }) => Promise<() => void>;

interface Tree {
  read(path: string, encoding: 'utf-8'): string | null;
  exists(path: string): boolean;
  delete(path: string): void;
  listChanges(): { path: string; type: 'CREATE' | 'UPDATE' | 'DELETE'; content: Buffer | null }[];
}

type Yaml = Record<string, Record<string, unknown>>;
const yaml = (tree: Tree, path: string) => parse(tree.read(path, 'utf-8')!, { merge: true }) as Yaml;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (['dist', 'generated', 'node_modules'].includes(name)) return [];
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/* The timestamp in the first migration's folder name is the generation time. */
const normalise = (path: string) => path.replace(/\/\d{14}_create_template_samples\//, '/<timestamp>_create_template_samples/');

describe('service generator', () => {
  test('a new service is listed in the catalogue, contracts, gateway, compose, Helm and the build', async () => {
    const tree = new FsTree(ROOT, false);
    await generate(tree, { name: 'zz-check' });
    const created = tree.listChanges().filter((c) => c.type === 'CREATE').map((c) => c.path);
    for (const role of ['package.json', 'prisma/schema.prisma', 'src/main.ts', 'src/template-samples/template-samples.controller.ts', 'src/template-samples/consumers/organizations.consumer.ts', 'test/schema-drift.spec.ts']) {
      assert.ok(created.includes(`apps/zz-check/${role}`), role);
    }
    assert.ok(created.some((p) => /^apps\/zz-check\/prisma\/migrations\/\d{14}_create_template_samples\/migration\.sql$/.test(p)));

    const catalogue = tree.read('libs/platform/src/stack/catalogue.ts', 'utf-8')!;
    const port = Number(/name: 'zz-check', port: (\d+)/.exec(catalogue)?.[1]);
    assert.ok(port > 3010 && port < 4000, `next free port, got ${port}`);
    assert.match(catalogue, /'zz-check': \[\],\n\};/);
    assert.match(tree.read('libs/contracts/src/events/topics.ts', 'utf-8')!, /zzCheck: 'zz-check\.events\.v1',/);
    const registry = tree.read('libs/contracts/src/events/registry.ts', 'utf-8')!;
    for (const s of ["import { zzCheckEventSchemas } from './zz-check';", '...zzCheckEventSchemas,', '[Topic.zzCheck, zzCheckEventSchemas],']) assert.ok(registry.includes(s), s);
    assert.match(tree.read('libs/contracts/src/events/zz-check.ts', 'utf-8')!, /templateSampleEventSchemas\('zz_check'\)/);
    const routes = tree.read('apps/api-gateway/src/routing/route.table.ts', 'utf-8')!;
    assert.ok(routes.includes("{ prefix: '/zz_check/template_samples', upstream: 'zz-check', auth: 'api_key' }"));
    assert.ok(routes.includes("'zz-check': 'ZZ_CHECK_URL',"));
    assert.ok(tree.read('apps/api-gateway/src/config.ts', 'utf-8')!.includes(`ZZ_CHECK_URL: upstream(${port}),`));

    const compose = yaml(tree, 'docker-compose.yml').services as Record<string, Record<string, Record<string, unknown>>>;
    assert.deepEqual(compose['zz-check']!.build!.args, { APP: 'zz-check' });
    assert.equal(compose['zz-check']!.environment!.PORT, String(port));
    assert.equal(compose['api-gateway']!.environment!.ZZ_CHECK_URL, `http://zz-check:${port}`);
    assert.deepEqual(compose['api-gateway']!.depends_on!['zz-check'], { condition: 'service_healthy' });
    const values = yaml(tree, 'helm/wos-platform/values.yaml');
    assert.equal(values['zz-check']!.port, port);
    assert.ok(((values['api-gateway']!.internalAuth as { calls: string[] }).calls).includes('zz-check'));
    assert.equal((values['api-gateway']!.env as Record<string, string>).ZZ_CHECK_URL, `http://{{ .Release.Name }}-zz-check:${port}`);
    assert.ok(((yaml(tree, 'helm/wos-platform/Chart.yaml').dependencies as unknown as { alias: string }[]).some((d) => d.alias === 'zz-check')));
    assert.match(tree.read('.env.example', 'utf-8')!, /^# ZZ_CHECK_KAFKA_GROUP_ID=zz-check$/m);
    assert.ok((JSON.parse(tree.read('tsconfig.json', 'utf-8')!) as { references: { path: string }[] }).references.some((r) => r.path === 'apps/zz-check'));

    // A second run changes nothing more.
    const again = new FsTree(ROOT, false);
    await generate(again, { name: 'radar' });
    assert.deepEqual(again.listChanges(), []);
  });

  const templateApps = readdirSync(join(ROOT, 'apps')).filter((a) => existsSync(join(ROOT, 'apps', a, 'src', 'template-samples')));
  for (const app of templateApps) {
    test(`${app} is the generator's output while it carries the template's sample`, async () => {
      const tree = new FsTree(ROOT, false);
      for (const f of filesUnder(join(ROOT, 'apps', app))) tree.delete(relative(ROOT, f));
      const port = Number(new RegExp(`name: '${app}', port: (\\d+)`).exec(tree.read('libs/platform/src/stack/catalogue.ts', 'utf-8')!)?.[1]);
      await generate(tree, { name: app, port });
      // A rewrite identical to the deleted file leaves no change behind, so read back every path.
      const paths = new Set([...filesUnder(join(ROOT, 'apps', app)).map((f) => relative(ROOT, f)), ...tree.listChanges().map((c) => c.path)]);
      const generated = new Map([...paths].filter((p) => p.startsWith(`apps/${app}/`) && tree.exists(p)).map((p) => [normalise(p), tree.read(p, 'utf-8')!]));
      const onDisk = new Map(filesUnder(join(ROOT, 'apps', app)).map((f) => [normalise(relative(ROOT, f)), readFileSync(f, 'utf8')]));
      assert.deepEqual([...onDisk.keys()].sort(), [...generated.keys()].sort());
      for (const [path, text] of onDisk) assert.equal(text, generated.get(path), `${path} differs from the template; change libs/platform/generators/service/files instead`);
    });
  }
});
