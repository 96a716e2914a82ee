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
});
