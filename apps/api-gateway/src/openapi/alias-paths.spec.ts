import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertValidOpenApi31 } from '@wos/platform/testing';
import { ALIASES, compileAliases } from '../routing/aliases';
import { aliasPaths } from './alias-paths';

const toTemplate = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const op = (summary: string, params: string[]) => ({
  summary,
  parameters: params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
  responses: { '200': { description: 'OK' } },
});

describe('the aliases in /openapi.json', () => {
  // A canonical operation for every served alias: the target itself and, for a prefix alias, a path below it.
  const canonical: Record<string, Record<string, ReturnType<typeof op>>> = {};
  for (const a of ALIASES.filter((x) => x.to)) {
    const target = toTemplate(a.to!.split('?')[0]!);
    const method = a.method === '*' ? 'post' : a.method.toLowerCase();
    if (target.endsWith('/*')) {
      const base = target.slice(0, -2);
      canonical[base] = { get: op(`List ${base}`, []) };
      canonical[`${base}/{slug}/targets`] = { [method]: op(`Below ${base}`, ['slug']) };
    } else {
      canonical[target] = { [method]: op(`Canonical ${target}`, []) };
    }
  }
  const aliased = aliasPaths(canonical, compileAliases());

  test('every served alias gets operations, and every one of them is deprecated and names its canonical route', () => {
    for (const a of ALIASES.filter((x) => x.to)) {
      const prefix = toTemplate(a.path.replace(/\/\*$/, ''));
      const entries = Object.entries(aliased).filter(([p]) => p === prefix || p.startsWith(`${prefix}/`));
      assert.ok(entries.length > 0, `${a.method} ${a.path} has no OpenAPI entry`);
      for (const [path, ops] of entries) {
        for (const [method, operation] of Object.entries(ops)) {
          assert.equal(operation.deprecated, true, `${method} ${path} is not deprecated`);
          assert.match(String(operation.summary), /\(alias of [A-Z]+ \//, `${method} ${path}`);
        }
      }
    }
    assert.equal(Object.values(aliased).flatMap((ops) => Object.values(ops)).every((o) => o.deprecated === true), true);
  });

  test('the document with the aliases is valid OpenAPI 3.1', async () => {
    await assertValidOpenApi31({ openapi: '3.1.0', info: { title: 'aliases', version: '1' }, paths: { ...canonical, ...aliased } });
  });
});
