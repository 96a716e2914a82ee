import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Pool } from 'pg';
import { newId } from '@wos/platform';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';
import { genesisHash, linkHash } from '../src/audit-core/chain';
import { AuditEventsRepository } from '../src/audit-events/audit-events.repository';
import type { AuditEventRow } from '../src/audit-events/audit-events.dto';
import type { PrismaService } from '../src/infra/prisma.service';

const ENV = 'environment_01JREPO00000000000000000000';

/* Group commit against real Postgres: many events per transaction, each with its own outcome. */
describe('AuditEventsRepository (group commit)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let repo: AuditEventsRepository;

  before(async () => {
    db = await createTestDatabase('audit_repo', join(__dirname, '..', '..', 'prisma', 'migrations'));
    pool = new Pool({ connectionString: db.url, max: 4 });
    const now = new Date();
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    await pool.query(`CREATE TABLE audit_log_events_now PARTITION OF audit_log_events FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`);
    repo = new AuditEventsRepository({ pool } as unknown as PrismaService);
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  const row = (org: string, occurredAt = new Date()): AuditEventRow => ({
    id: newId('audit_log_event'),
    environmentId: ENV,
    organizationId: org,
    occurredAt,
    createdAt: new Date(),
    event: { action: 'doc.updated', occurred_at: occurredAt.toISOString(), actor: { id: 'u', type: 'user' }, targets: [], context: { location: '1.2.3.4' } },
  });
  const digest = (r: AuditEventRow) => Buffer.alloc(32, r.id.charCodeAt(r.id.length - 1));

  test('concurrent events of many organizations: gapless positions per organization, hashes that link', async () => {
    const orgs = Array.from({ length: 5 }, () => newId('org'));
    const rows = Array.from({ length: 300 }, (_, i) => row(orgs[i % orgs.length]!));
    const outcomes = await Promise.all(rows.map((r) => repo.insert(ENV, r, digest(r), [])));
    assert.ok(outcomes.every((o) => o === 'created'));
    for (const org of orgs) {
      const { rows: chain } = await pool.query<{ seq: string; event_id: string; occurred_at: Date; digest: Buffer; hash: Buffer }>(
        'SELECT seq, event_id, occurred_at, digest, hash FROM audit_log_chain WHERE organization_id = $1 ORDER BY seq',
        [org],
      );
      assert.deepEqual(chain.map((c) => Number(c.seq)), Array.from({ length: 60 }, (_, i) => i + 1));
      let h = genesisHash(ENV, org);
      for (const c of chain) {
        h = linkHash(h, Number(c.seq), c.occurred_at.getTime(), c.digest);
        assert.deepEqual(c.hash, h, `position ${c.seq}`);
      }
      const head = (await pool.query<{ seq: string; hash: Buffer }>('SELECT seq, hash FROM audit_log_chain_heads WHERE organization_id = $1', [org])).rows[0]!;
      assert.equal(Number(head.seq), 60);
      assert.deepEqual(head.hash, h);
    }
  });

  test('one Idempotency-Key in one batch: the first creates, the same request replays, another request is refused', async () => {
    const org = newId('org');
    const [a, b, c] = [row(org), row(org), row(org)];
    const outcomes = await Promise.all([
      repo.insert(ENV, a, digest(a), [], { key: 'k-1', requestSha256: 'same' }),
      repo.insert(ENV, b, digest(b), [], { key: 'k-1', requestSha256: 'same' }),
      repo.insert(ENV, c, digest(c), [], { key: 'k-1', requestSha256: 'other' }),
    ]);
    assert.deepEqual(outcomes, ['created', 'replayed', 'key_reused']);
    assert.equal((await pool.query('SELECT 1 FROM audit_log_events WHERE organization_id = $1', [org])).rowCount, 1);
  });

  test('an event that cannot be stored fails alone; the others of its batch are stored', async () => {
    const org = newId('org');
    const good = Array.from({ length: 10 }, () => row(org));
    const bad = row(org, new Date(Date.UTC(2001, 0, 1))); // no partition for that month
    const results = await Promise.allSettled([...good.slice(0, 5), bad, ...good.slice(5)].map((r) => repo.insert(ENV, r, digest(r), [])));
    assert.equal(results[5]!.status, 'rejected');
    assert.equal((results[5] as PromiseRejectedResult).reason.code, '23514');
    assert.ok(results.filter((_, i) => i !== 5).every((r) => r.status === 'fulfilled' && r.value === 'created'));
    const { rows } = await pool.query<{ seq: string }>('SELECT seq FROM audit_log_chain WHERE organization_id = $1 ORDER BY seq', [org]);
    assert.deepEqual(rows.map((r) => Number(r.seq)), Array.from({ length: 10 }, (_, i) => i + 1), 'no position lost to the failed event');
  });
});
