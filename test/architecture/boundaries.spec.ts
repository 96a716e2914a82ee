import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { kitViolations, type SourceFile } from './kit-rules';

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

/*
 * The service kit's rule: an app's own source (src/, not its tests, which may drive Kafka or Redis
 * directly), its Prisma schema and its migrations never re-implement what ServiceInfraModule and
 * the platform migrations provide.
 */
function appSourceFiles(): SourceFile[] {
  return apps.flatMap((app) => {
    const src = sources(join(root, 'apps', app, 'src')).filter((f) => !f.endsWith('.spec.ts'));
    const schema = join(root, 'apps', app, 'prisma', 'schema.prisma');
    const migrationsDir = join(root, 'apps', app, 'prisma', 'migrations');
    const migrations = existsSync(migrationsDir) ? readdirSync(migrationsDir).map((m) => join(migrationsDir, m, 'migration.sql')).filter((f) => existsSync(f)) : [];
    return [...src, ...(existsSync(schema) ? [schema] : []), ...migrations].map((f) => ({ path: relative(root, f).split(sep).join('/'), text: readFileSync(f, 'utf8') }));
  });
}

test('apps use the service kit instead of re-implementing it', () => {
  assert.deepEqual(kitViolations(appSourceFiles()), []);
});

test('the kit rule catches planted violations and passes the kit way', () => {
  const planted: SourceFile[] = [
    { path: 'apps/x/src/infra/infra.module.ts', text: 'export class InfraModule {}' },
    { path: 'apps/x/src/infra/outbox-relay.service.ts', text: '' },
    { path: 'apps/x/src/infra/prisma-errors.ts', text: '' },
    { path: 'apps/x/src/a.ts', text: 'const relay = new OutboxRelay({ pool });' },
    { path: 'apps/x/src/b.ts', text: 'this.consumer = new EventConsumer(opts);' },
    { path: 'apps/x/src/c.ts', text: "const kafka = createKafka({ brokers, clientId: 'x' });" },
    { path: 'apps/x/src/d.ts', text: 'const redis = createRedis(config.REDIS_URL);' },
    { path: 'apps/x/src/e.ts', text: 'const q = new Queue(QueueName.Deliveries, { connection });' },
    { path: 'apps/x/src/f.ts', text: 'useValue: SecretBox.fromConfig(config.SECRET_ENCRYPTION_KEYS)' },
    { path: 'apps/x/src/config.ts', text: "export const APP_CONFIG = Symbol('APP_CONFIG');" },
    { path: 'apps/x/src/g.ts', text: "await client.query('BEGIN');" },
    { path: 'apps/x/src/app.module.ts', text: '@Module({}) export class AppModule {}' },
    { path: 'apps/x/src/h.ts', text: 'return bootstrapService({ name, module, host: config.HOST, port: config.PORT, logger });' },
    { path: 'apps/x/src/i.ts', text: 'onModuleInit(): void {\n  this.timer = setInterval(() => void this.sweep(), 1000);\n}' },
    { path: 'apps/x/src/j.ts', text: "} catch (err) {\n  if ((err as { code?: string }).code !== 'P2002') throw err;\n}" },
    { path: 'apps/x/src/k.ts', text: 'const DUPLICATE = new Set(["42P07", "23505"]);' },
    { path: 'apps/x/prisma/schema.prisma', text: 'model Thing {\n  id String @id\n}\n\nmodel OutboxEvent {\n  seq BigInt @id\n}\n' },
    { path: 'apps/x/prisma/migrations/20270101000000_create_things/migration.sql', text: 'CREATE TABLE "things" ("id" TEXT PRIMARY KEY);\nCREATE TABLE "outbox" ("seq" BIGSERIAL PRIMARY KEY);\n' },
    { path: 'apps/x/prisma/migrations/20270101000100_add_inbox/migration.sql', text: 'CREATE TABLE IF NOT EXISTS inbox (\n  consumer TEXT NOT NULL\n);\n' },
    { path: 'apps/x/prisma/migrations/20270101000200_add_dead_letters/migration.sql', text: 'create table "consumer_dead_letters"("id" BIGSERIAL PRIMARY KEY);\n' },
    // An old migration's name in another app is no pass.
    { path: 'apps/x/prisma/migrations/20261203020100_create_inbox/migration.sql', text: 'CREATE TABLE "inbox" ("consumer" TEXT NOT NULL);\n' },
  ];
  const found = kitViolations(planted);
  assert.equal(found.length, planted.length, found.join('\n'));
  for (const f of planted) assert.ok(found.some((p) => p.startsWith(f.path)), `${f.path} not caught`);

  const kitWay: SourceFile[] = [
    { path: 'apps/x/src/config.ts', text: "export { APP_CONFIG, LOGGER } from '@wos/platform';" },
    { path: 'apps/x/src/x.app.ts', text: 'return startService({ name, config, kit: { prisma: PrismaService, redis: true }, modules: [XModule] });' },
    { path: 'apps/x/src/r.ts', text: "// no hand-written 'BEGIN' here: pgTransaction\nreturn pgTransaction(this.prisma.pool, async (client) => claimInbox(pgExecutor(client), c, id));" },
    { path: 'apps/x/src/u.ts', text: "// a 'P2002' from Prisma is a duplicate\nif (!isUniqueViolation(err, 'slug')) throw err;" },
    { path: 'apps/x/src/s.ts', text: 'onModuleInit(): void {\n  this.loop.start(1000);\n}\nstream() { const beat = setTimeout(() => raw.write(":\\n\\n"), 15000); }' },
    { path: 'apps/x/prisma/schema.prisma', text: 'model TemplateSample {\n  id String @id\n  @@map("template_samples")\n}\n' },
    {
      path: 'apps/x/prisma/migrations/20270101000000_create_things/migration.sql',
      text: '-- the outbox, inbox and dead letters come from the platform: CREATE TABLE "outbox" (...) is not ours\nCREATE TABLE "outbox_cursors" ("id" TEXT PRIMARY KEY);\nCREATE TABLE "inboxes" ("id" TEXT PRIMARY KEY);\n',
    },
    // A migration from before the kit keeps its own copy of the tables (append-only history).
    { path: 'apps/sso/prisma/migrations/20261203020100_create_inbox/migration.sql', text: 'CREATE TABLE "inbox" ("consumer" TEXT NOT NULL);\n' },
  ];
  assert.deepEqual(kitViolations(kitWay), []);
});
