import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Pool } from 'pg';
import pino from 'pino';
import { createTestDatabase, waitFor, type TestDatabase } from '@wos/platform/testing';
import { AuditSchemasRepository } from '../src/audit-schemas/audit-schemas.repository';
import { AuditSchemasService } from '../src/audit-schemas/audit-schemas.service';
import type { AppConfig } from '../src/config';
import type { PrismaService } from '../src/infra/prisma.service';

const ENV = 'environment_01JSCHEMAS0000000000000000';

/* Two replicas over one database: each caches an action's versions, and a new version reaches the other by NOTIFY. */
describe('AuditSchemasService cache across replicas', () => {
  let db: TestDatabase;
  let pool: Pool;
  let a: AuditSchemasService;
  let b: AuditSchemasService;

  before(async () => {
    db = await createTestDatabase('audit_schemas', join(__dirname, '..', '..', 'prisma', 'migrations'));
    pool = new Pool({ connectionString: db.url, max: 4 });
    const replica = () => new AuditSchemasService(new AuditSchemasRepository({ pool } as unknown as PrismaService), { DATABASE_URL: db.url } as AppConfig, pino({ level: 'silent' }));
    a = replica();
    b = replica();
    a.onModuleInit();
    b.onModuleInit();
  });
  after(async () => {
    await a?.onModuleDestroy();
    await b?.onModuleDestroy();
    await pool?.end();
    await db?.drop();
  });

  test('a version created on one replica is used by the other, and by itself at once', async () => {
    assert.deepEqual(await a.forEvent(ENV, 'doc.viewed', undefined), { kind: 'none' }); // cached: none
    assert.deepEqual(await b.forEvent(ENV, 'doc.viewed', undefined), { kind: 'none' });
    await b.create(ENV, 'doc.viewed', { targets: [{ type: 'document' }] });
    assert.equal((await b.forEvent(ENV, 'doc.viewed', undefined)).kind, 'found', 'read-your-write on the creating replica');
    await waitFor(async () => (await a.forEvent(ENV, 'doc.viewed', undefined)).kind === 'found', { timeoutMs: 10_000, message: 'the other replica sees version 1' });
    await a.create(ENV, 'doc.viewed', { targets: [{ type: 'document' }, { type: 'folder' }] });
    await waitFor(async () => {
      const l = await b.forEvent(ENV, 'doc.viewed', undefined);
      return l.kind === 'found' && l.schema.version === 2;
    }, { timeoutMs: 10_000, message: 'the latest is version 2 on both' });
    assert.deepEqual(await b.forEvent(ENV, 'doc.viewed', 3), { kind: 'version_not_found', version: 3 });
  });

  test('listActions: each action once, with its latest version, paged by creation and scoped to the environment', async () => {
    const env = 'environment_01JACTIONS0000000000000000';
    await a.create(env, 'invoice.paid', { targets: [{ type: 'invoice' }] });
    await a.create(env, 'invoice.sent', { targets: [{ type: 'invoice' }] });
    await a.create(env, 'invoice.paid', { targets: [{ type: 'invoice' }, { type: 'user' }] });
    await a.create('environment_01JOTHER00000000000000000', 'secret.action', { targets: [{ type: 'x' }] });
    const all = await a.listActions(env, { limit: 10, order: 'asc' });
    assert.deepEqual(all.data.map((x) => [x.name, x.schema.version]), [['invoice.paid', 2], ['invoice.sent', 1]]);
    assert.equal(all.data[0]!.object, 'audit_log_action');
    assert.deepEqual(all.data[0]!.schema.targets.map((t) => t.type), ['invoice', 'user']);
    assert.ok(all.data[0]!.updated_at > all.data[0]!.created_at, 'updated_at is the latest version');
    const first = await a.listActions(env, { limit: 1, order: 'desc' });
    assert.deepEqual(first.data.map((x) => x.name), ['invoice.sent']);
    assert.equal(first.list_metadata.after, 'invoice.sent');
    const second = await a.listActions(env, { limit: 1, order: 'desc', after: first.list_metadata.after! });
    assert.deepEqual(second.data.map((x) => x.name), ['invoice.paid']);
    assert.equal(second.list_metadata.after, null);
    const back = await a.listActions(env, { limit: 1, order: 'desc', before: 'invoice.paid' });
    assert.deepEqual(back.data.map((x) => x.name), ['invoice.sent']);
    assert.deepEqual((await a.listActions(env, { limit: 5, order: 'desc', after: 'no.such.action' })).data, []);
  });
});
