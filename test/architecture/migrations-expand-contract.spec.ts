import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { contractFindings, contractReason, newHistory, statements, type Finding, type Migration } from './migration-rules';

const ROOT = resolve(__dirname, '..', '..', '..');

/*
 * Migrations that contract the schema although no `-- contract:` line says so. They landed
 * before the rule (deploy/README.md "Upgrades"); migrations are append-only, so they are listed
 * here with what each one does instead of being edited. No migration newer than RULE_CUTOFF may
 * join this list: a new contract step carries its own `-- contract:` line.
 */
const RULE_CUTOFF = '20261215120000';
const PREDATES_RULE: Record<string, string> = {
  'audit-logs/20261203140000_create_audit_log_events': "drops the service template's template_samples table, which no release of audit-logs read",
  'authorization/20261203160000_create_authorization_catalogue': "drops the service template's template_samples table, which no release of authorization read",
  'radar/20261203154500_create_radar_attempts_lists_settings': "drops the service template's template_samples table, which no release of radar read",
  'vault/20261203140000_create_vault_keys_and_objects': "drops the service template's template_samples table, which no release of vault read",
};

/** Every database's migrations in the order the migrator applies them: the app's own and the platform's, by name. */
function databases(): Map<string, Migration[]> {
  const read = (dir: string, owner: string): Migration[] =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'migration.sql')))
          .map((d) => ({ id: `${owner}/${d.name}`, sql: readFileSync(join(dir, d.name, 'migration.sql'), 'utf8') }))
      : [];
  const platform = read(join(ROOT, 'libs', 'platform', 'migrations'), 'platform');
  const out = new Map<string, Migration[]>();
  for (const app of readdirSync(join(ROOT, 'apps'))) {
    const own = read(join(ROOT, 'apps', app, 'prisma', 'migrations'), app);
    if (!own.length) continue;
    const names = new Set(own.map((m) => m.id.split('/')[1]));
    const all = [...own, ...platform.filter((p) => !names.has(p.id.split('/')[1]))];
    out.set(app, all.sort((a, b) => (a.id.split('/')[1]! < b.id.split('/')[1]! ? -1 : 1)));
  }
  return out;
}

function lintAll(): Map<string, Finding[]> {
  const byMigration = new Map<string, Finding[]>();
  for (const migrations of databases().values()) {
    const history = newHistory();
    for (const m of migrations) {
      const found = contractFindings(m, history);
      if (!byMigration.has(m.id)) byMigration.set(m.id, found);
    }
  }
  return byMigration;
}

const lint = (...sqls: string[]): string[] => {
  const h = newHistory();
  return sqls.flatMap((sql, i) => contractFindings({ id: `x/${i}`, sql }, h).map((f) => f.rule));
};

test('the rules catch every kind of contract statement', () => {
  const base = 'CREATE TABLE "t" ("id" TEXT PRIMARY KEY, "a" TEXT, "kind" TEXT, CONSTRAINT "t_kind_check" CHECK ("kind" IN (\'x\', \'y\')));\nCREATE UNIQUE INDEX "t_a_key" ON "t" ("a");\nCREATE INDEX "t_a_idx" ON "t" ("a");';
  const cases: [string, string][] = [
    ['DROP TABLE "t";', 'drop table'],
    ['ALTER TABLE "t" DROP COLUMN "a";', 'drop column'],
    ['ALTER TABLE t DROP a;', 'drop column'],
    ['ALTER TABLE "t" ADD COLUMN "b" TEXT, DROP COLUMN IF EXISTS "a";', 'drop column'],
    ['ALTER TABLE "t" RENAME COLUMN "a" TO "b";', 'rename'],
    ['ALTER TABLE "t" RENAME TO "u";', 'rename'],
    ['ALTER TYPE "k" RENAME VALUE \'x\' TO \'z\';', 'rename'],
    ['ALTER TABLE "t" ALTER COLUMN "a" TYPE INTEGER USING "a"::integer;', 'alter column type'],
    ['ALTER TABLE "t" ALTER COLUMN "a" SET DATA TYPE VARCHAR(10);', 'alter column type'],
    ['ALTER TABLE "t" ALTER COLUMN "a" SET NOT NULL;', 'set not null without a default'],
    ['ALTER TABLE "t" ADD COLUMN "b" TEXT NOT NULL;', 'add NOT NULL column without a default'],
    ['ALTER TABLE "t" DROP CONSTRAINT "t_pkey";', 'drop constraint'],
    ['DROP INDEX "t_a_key";', 'drop unique index'],
    ['DROP INDEX IF EXISTS "mystery_idx";', 'drop index not created as a plain index by an earlier migration'],
    ['CREATE UNIQUE INDEX "t_kind_key" ON "t" ("kind");', 'new unique index on an existing table'],
    ['ALTER TABLE "t" ADD CONSTRAINT "t_a_check" CHECK (length("a") < 5);', 'new CHECK constraint on an existing table'],
    ['ALTER TABLE "t" ADD COLUMN "d" TEXT, ADD CONSTRAINT "t_ad_check" CHECK ("a" <> "d");', 'new CHECK constraint on an existing table'],
    ['ALTER TABLE "t" DROP CONSTRAINT "t_kind_check";\nALTER TABLE "t" ADD CONSTRAINT "t_kind_check" CHECK ("kind" IN (\'x\'));', 'CHECK t_kind_check narrowed (drops y)'],
    ['DROP FUNCTION notify_outbox;', 'drop function'],
    ['DO $$ BEGIN ALTER TABLE "t" DROP COLUMN "a"; END $$;', 'drop column'],
    ['ALTER TABLE "t" ADD COLUMN "b" BOOLEAN NOT NULL DEFAULT false;\nCREATE UNIQUE INDEX "t_b_key" ON "t" ("b");', 'new unique index on an existing table'],
  ];
  // The same base, its CHECK named by ADD CONSTRAINT so the narrowing has a history to compare with.
  const namedBase = base.replace(', CONSTRAINT "t_kind_check" CHECK ("kind" IN (\'x\', \'y\'))', '') + '\nALTER TABLE "t" ADD CONSTRAINT "t_kind_check" CHECK ("kind" IN (\'x\', \'y\'));';
  for (const [sql, rule] of cases) assert.ok(lint(namedBase, sql).includes(rule), `${sql} → ${rule} (got ${lint(namedBase, sql).join(', ') || 'nothing'})`);
});

test('expand statements pass', () => {
  const base = 'CREATE TABLE "t" ("id" TEXT PRIMARY KEY, "a" TEXT, "kind" TEXT);\nALTER TABLE "t" ADD CONSTRAINT "t_kind_check" CHECK ("kind" IN (\'x\'));\nCREATE INDEX "t_a_idx" ON "t" ("a");';
  const ok = [
    'ALTER TABLE "t" ADD COLUMN "b" TEXT;',
    'ALTER TABLE "t" ADD COLUMN "b" BOOLEAN NOT NULL DEFAULT false, ADD COLUMN "c" JSONB;',
    'ALTER TABLE "t" ALTER COLUMN "a" DROP NOT NULL;',
    'ALTER TABLE "t" ALTER COLUMN "a" SET DEFAULT \'\';\nALTER TABLE "t" ALTER COLUMN "a" SET NOT NULL;',
    'ALTER TABLE "t" DROP CONSTRAINT "t_kind_check";\nALTER TABLE "t" ADD CONSTRAINT "t_kind_check" CHECK ("kind" IN (\'x\', \'z\'));',
    'DROP INDEX IF EXISTS "t_a_idx";\nCREATE INDEX "t_b_idx" ON "t" ("a", "id");',
    'CREATE TABLE "u" ("id" TEXT PRIMARY KEY);\nALTER TABLE "u" ADD COLUMN "n" INT NOT NULL;\nCREATE UNIQUE INDEX "u_n_key" ON "u" ("n");',
    'CREATE OR REPLACE FUNCTION f() RETURNS trigger AS $$ BEGIN PERFORM 1; DROP TABLE x; RETURN NEW; END $$ LANGUAGE plpgsql;',
    'ALTER TABLE "t" ADD COLUMN "b" BOOLEAN NOT NULL DEFAULT false;\nCREATE UNIQUE INDEX "t_one_b" ON "t" ("b") WHERE "b";',
    'ALTER TABLE "t" ADD COLUMN "g" TEXT;\nCREATE UNIQUE INDEX "t_id_g_key" ON "t" ("id", "g");',
    'ALTER TABLE "t" ADD COLUMN "d" TEXT NOT NULL DEFAULT \'p\', ADD CONSTRAINT "t_d_check" CHECK ("d" IN (\'p\', \'q\'));',
    "-- DROP TABLE t; in a comment\nINSERT INTO \"t\" (\"id\", \"a\") VALUES ('1', 'DROP TABLE t; ALTER TABLE t DROP a');",
  ];
  for (const sql of ok) assert.deepEqual(lint(base, sql), [], sql);
  assert.deepEqual(statements("SELECT 'a;b'; SELECT \"x;y\";"), ["SELECT 'a;b'", 'SELECT "x;y"']);
});

test('every migration expands the schema, or says it is a contract step, or predates the rule', () => {
  const all = lintAll();
  assert.ok(all.size > 40, `the migrations were found (${all.size})`);
  const problems: string[] = [];
  for (const [id, findings] of all) {
    const sql = readFileSync(id.startsWith('platform/') ? join(ROOT, 'libs', 'platform', 'migrations', id.slice(9), 'migration.sql') : join(ROOT, 'apps', id.split('/')[0]!, 'prisma', 'migrations', id.split('/')[1]!, 'migration.sql'), 'utf8');
    const reason = contractReason(sql);
    if (/^--\s*contract:/im.test(sql) && !reason) problems.push(`${id}: its "-- contract:" line must say why, and which earlier release stopped using what it removes`);
    if (reason && !findings.length) problems.push(`${id} is marked as a contract step but contracts nothing; drop the mark`);
    if (findings.length && !reason && !PREDATES_RULE[id]) problems.push(...findings.map((f) => `${id}: ${f.rule}: ${f.statement}`));
  }
  assert.deepEqual(problems, [], `contract statements outside a contract step (expand first, contract a release later with "-- contract: …"):\n${problems.join('\n')}`);
});

test('the predates-the-rule list is exact: each entry exists, contracts, and is older than the rule', () => {
  const all = lintAll();
  for (const [id, why] of Object.entries(PREDATES_RULE)) {
    assert.ok(all.has(id), `${id} is not a migration`);
    assert.ok(all.get(id)!.length > 0, `${id} no longer needs its entry`);
    assert.ok(id.split('/')[1]!.slice(0, 14) <= RULE_CUTOFF, `${id} is newer than the rule: mark it "-- contract: …" instead`);
    assert.ok(why.length > 20);
  }
});
