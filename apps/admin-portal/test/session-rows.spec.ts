import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { QueryConfig } from 'pg';
import pino from 'pino';
import { Pool } from 'pg';
import type { HealthRegistry } from '@wos/platform';
import { createTestDatabase, waitFor, type TestDatabase } from '@wos/platform/testing';
import type { AppConfig } from '../src/config';
import { PrismaService } from '../src/infra/prisma.service';
import { LinksRepository } from '../src/links/links.repository';

/*
 * Real Postgres: a portal session's row is answered from this process's memory, and every change
 * to it, by this process or by any other writer (another replica, the IT-contact revocation, an
 * organization's deletion, SQL), reaches it through the table's trigger. Expiry holds without one.
 */
describe('admin-portal: the session-row cache stays coherent with every writer', () => {
  const env = 'environment_rows';
  const org = 'org_rows';
  let db: TestDatabase;
  let prisma: PrismaService;
  let sql: Pool;
  let repo: LinksRepository;
  /* Session lookups the repository sent to the database. */
  let lookups = 0;

  const hash = () => randomBytes(32).toString('hex');
  /** A session written by "another writer" (SQL, not the repository under test). */
  const insertSession = (tokenHash: string, opts: { linkId?: string; expiresInMs?: number } = {}) =>
    sql.query(
      `INSERT INTO portal_sessions (token_hash, environment_id, organization_id, link_id, intents, csrf_token, expires_at)
       VALUES ($1, $2, $3, $4, '{sso}', 'csrf', $5)`,
      [tokenHash, env, org, opts.linkId ?? 'link_rows', new Date(Date.now() + (opts.expiresInMs ?? 600_000))],
    );
  /** Waits until a lookup of `tokenHash` is answered from memory (the LISTEN connection is up and the row stored). */
  const cached = (tokenHash: string) =>
    waitFor(
      async () => {
        await repo.findSession(tokenHash);
        const n = lookups;
        await repo.findSession(tokenHash);
        return lookups === n;
      },
      { timeoutMs: 10_000, intervalMs: 20, message: 'the session answered from memory' },
    );

  before(async () => {
    db = await createTestDatabase('admin_portal_session_rows', join(__dirname, '..', '..', 'prisma', 'migrations'));
    prisma = new PrismaService(db.url, 4, { add: () => undefined } as unknown as HealthRegistry);
    const query = prisma.pool.query.bind(prisma.pool) as (q: QueryConfig) => Promise<unknown>;
    (prisma.pool as unknown as { query: typeof query }).query = (q: QueryConfig) => {
      if (q.name === 'portal_find_session') lookups++;
      return query(q);
    };
    sql = new Pool({ connectionString: db.url, max: 2 });
    repo = new LinksRepository(prisma, { DATABASE_URL: db.url } as AppConfig, pino({ level: 'silent' }));
    repo.onModuleInit();
  });
  after(async () => {
    await repo?.onModuleDestroy();
    await prisma?.pool.end();
    await sql?.end();
    await db?.drop();
  });

  test("a session is read once, then from memory; another writer's count of writes reaches it", async () => {
    const h = hash();
    await insertSession(h);
    await cached(h);
    assert.equal((await repo.findSession(h))!.writes, 0);
    await sql.query('UPDATE portal_sessions SET writes = writes + 1 WHERE token_hash = $1', [h]);
    await waitFor(async () => (await repo.findSession(h))?.writes === 1, { timeoutMs: 10_000, intervalMs: 10, message: "another writer's count seen" });
  });

  test("this process's own count of a write is seen by its very next lookup, without waiting for the notification", async () => {
    const h = hash();
    await insertSession(h);
    await cached(h);
    await repo.countWrite(env, h);
    assert.equal((await repo.findSession(h))!.writes, 1);
  });

  test('a session deleted by another writer stops answering; a miss cached before the insert does not outlive it', async () => {
    const h = hash();
    assert.equal(await repo.findSession(h), null);
    await insertSession(h);
    await waitFor(async () => (await repo.findSession(h)) !== null, { timeoutMs: 10_000, intervalMs: 10, message: 'the inserted session found' });
    await cached(h);
    await sql.query('DELETE FROM portal_sessions WHERE token_hash = $1', [h]);
    await waitFor(async () => (await repo.findSession(h)) === null, { timeoutMs: 10_000, intervalMs: 10, message: 'the deleted session gone' });
  });

  test('an expired session is refused from memory, with no write to notify it', async () => {
    const h = hash();
    // A miss cached first: the row appears only once the insert's own notification dropped it,
    // so no late notification can drop the entry the assertions below read.
    await cached(h);
    await insertSession(h, { expiresInMs: 60_000 });
    await waitFor(async () => (await repo.findSession(h)) !== null, { timeoutMs: 10_000, intervalMs: 10, message: 'the inserted session found' });
    await cached(h);
    const row = (await repo.findSession(h))!;
    const n = lookups;
    assert.equal(await repo.findSession(h, row.expiresAt.getTime() - 1), row);
    assert.equal(await repo.findSession(h, row.expiresAt.getTime()), null);
    assert.equal(lookups, n, 'both answered from memory');
  });

  test("revoking an IT contact's links ends their sessions here before it returns; an organization's deletion too", async () => {
    const contactLink = 'link_contact_rows';
    await sql.query(
      `INSERT INTO portal_links (id, environment_id, organization_id, intents, it_contact_id, token_hash, expires_at) VALUES ($1, $2, $3, '{sso}', 'it_contact_rows', $4, now() + interval '1 hour')`,
      [contactLink, env, org, hash()],
    );
    const ofContact = hash();
    const other = hash();
    await insertSession(ofContact, { linkId: contactLink });
    await insertSession(other);
    await cached(ofContact);
    await cached(other);
    assert.equal(await repo.revokeForContact(env, org, 'it_contact_rows'), 1);
    assert.equal(await repo.findSession(ofContact), null);
    assert.notEqual(await repo.findSession(other), null);

    assert.equal(await repo.deleteForOrganization(env, org, { consumer: 'admin-portal.test', eventId: 'event_rows_1' }), true);
    assert.equal(await repo.findSession(other), null);
  });
});
