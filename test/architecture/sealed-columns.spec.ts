import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SealedColumn } from '@wos/platform';

/*
 * `wos secrets <service> reseal` re-seals exactly the columns a service declares in
 * src/infra/sealed-columns.ts. A declared column that does not exist would fail at the operator's
 * first rotation; a sealed column that is not declared would keep the old key alive forever.
 */
const ROOT = resolve(__dirname, '..', '..', '..');
/* Named *sealed* but not SecretBox values: a refresh token's successor is sealed under a key derived from the token. */
const NOT_SECRET_BOX = new Set(['identity refresh_tokens.successor_sealed']);

/** Each model's table and its columns, from the app's Prisma schema (`@map` / `@@map`, else the names). */
function tables(app: string): Map<string, Set<string>> {
  const schema = readFileSync(join(ROOT, 'apps', app, 'prisma', 'schema.prisma'), 'utf8');
  const out = new Map<string, Set<string>>();
  for (const [, model, body] of schema.matchAll(/^model (\w+) \{\n([\s\S]*?)\n\}/gm)) {
    const table = /@@map\("([^"]+)"\)/.exec(body!)?.[1] ?? model!;
    const columns = new Set<string>();
    for (const line of body!.split('\n')) {
      const field = /^\s+(\w+)\s+\w+[?[\]]*(.*)$/.exec(line);
      if (field && !line.trim().startsWith('//') && !line.trim().startsWith('@@')) columns.add(/@map\("([^"]+)"\)/.exec(field[2]!)?.[1] ?? field[1]!);
    }
    out.set(table, columns);
  }
  return out;
}

const apps = readdirSync(join(ROOT, 'apps')).filter((a) => existsSync(join(ROOT, 'apps', a, 'prisma', 'schema.prisma')));
const declared = (app: string): readonly SealedColumn[] => {
  const file = join(ROOT, 'apps', app, 'dist', 'src', 'infra', 'sealed-columns.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return existsSync(file) ? (require(file) as { SEALED_COLUMNS: readonly SealedColumn[] }).SEALED_COLUMNS : [];
};

describe('sealed columns (wos secrets reseal)', () => {
  test('every declared column and key exists in its service\'s schema', () => {
    let n = 0;
    for (const app of apps) {
      const t = tables(app);
      for (const c of declared(app)) {
        n++;
        assert.ok(t.get(c.table)?.has(c.column), `${app} ${c.table}.${c.column}`);
        assert.ok(t.get(c.table)?.has(c.key), `${app} ${c.table}.${c.key}`);
      }
    }
    assert.ok(n >= 14, `${n} declared columns`);
  });

  test('every column named as sealed is declared by its service', () => {
    for (const app of apps) {
      const mine = new Set(declared(app).map((c) => `${c.table}.${c.column}`));
      for (const [table, columns] of tables(app)) {
        for (const column of columns) {
          if (!/sealed/.test(column) || NOT_SECRET_BOX.has(`${app} ${table}.${column}`)) continue;
          assert.ok(mine.has(`${table}.${column}`), `${app}: ${table}.${column} is sealed but not in src/infra/sealed-columns.ts`);
        }
      }
    }
  });
});
