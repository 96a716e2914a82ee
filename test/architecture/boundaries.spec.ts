import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/*
 * Module boundaries (CONVENTIONS.md habit 1): an app never imports another app, libs never
 * import apps, and the contracts library stays free of Nest and of the platform.
 */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || !readFileSync(join(dir, 'package.json'), 'utf8').includes('"workspaces"')) dir = resolve(dir, '..');
  return dir;
}

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'generated' || name === 'dist' || name === 'node_modules') return [];
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

const root = repoRoot();
const apps = readdirSync(join(root, 'apps'));

test('apps import no other app', () => {
  const problems: string[] = [];
  for (const app of apps) {
    for (const file of sources(join(root, 'apps', app))) {
      for (const spec of imports(file)) {
        const target = spec.startsWith('.') ? relative(root, resolve(file, '..', spec)) : '';
        const crossRelative = target.startsWith(`apps${sep}`) && !target.startsWith(`apps${sep}${app}${sep}`) && target !== `apps${sep}${app}`;
        const crossPackage = apps.some((other) => other !== app && spec === `@wos/${other}`);
        if (crossRelative || crossPackage) problems.push(`${relative(root, file)} imports ${spec}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('libs import no app; contracts import neither Nest nor the platform', () => {
  const problems: string[] = [];
  for (const lib of readdirSync(join(root, 'libs'))) {
    for (const file of sources(join(root, 'libs', lib, 'src'))) {
      for (const spec of imports(file)) {
        if (apps.some((a) => spec === `@wos/${a}`) || relative(root, resolve(file, '..', spec)).startsWith(`apps${sep}`)) problems.push(`${relative(root, file)} imports ${spec}`);
        if (lib === 'contracts' && (spec.startsWith('@nestjs/') || spec.startsWith('@wos/platform'))) problems.push(`${relative(root, file)} imports ${spec}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
