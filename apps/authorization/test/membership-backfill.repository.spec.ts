import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Pool } from 'pg';
import { newId } from '@wos/platform';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';
import type { PrismaService } from '../src/infra/prisma.service';
import { MembershipsRepository, type ProjectedMembership } from '../src/memberships/memberships.repository';
import { SlugMigrationRepository } from '../src/slug-migration/slug-migration.repository';

const MIGRATIONS = join(__dirname, '..', '..', 'prisma', 'migrations');

/*
 * The role slug migration's membership backfill (real Postgres, the service's migrations; no
 * Nest): identity's pages never overwrite a newer projected state, never resurrect a membership
 * whose deletion was consumed, and move the stored cursor in their own transaction.
 */
describe('membership backfill (Postgres)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let memberships: MembershipsRepository;
  let progress: SlugMigrationRepository;
  const env = newId('environment');
  const org = newId('org');

  before(async () => {
    db = await createTestDatabase('authorization_membership_backfill', MIGRATIONS);
    pool = new Pool({ connectionString: db.url, max: 4 });
    const prisma = { pool } as unknown as PrismaService;
    memberships = new MembershipsRepository(prisma);
    progress = new SlugMigrationRepository(prisma);
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  const at = (iso: string, roleSlugs: string[], id = newId('om')): ProjectedMembership => ({
    id, organizationId: org, userId: newId('user'), roleSlugs, status: 'active', createdAt: new Date('2026-01-01T00:00:00Z'), updatedAt: new Date(iso),
  });
  const slugsOf = async (id: string) => (await pool.query<{ role_slugs: string[] }>('SELECT role_slugs FROM authz_memberships WHERE id = $1', [id])).rows[0]?.role_slugs;
  const backfill = async (page: ProjectedMembership[]) => {
    await progress.begin(env);
    return memberships.backfill(env, page, (client, written) => progress.advance(client, env, page.at(-1)!.id, written));
  };

  test('writes unknown memberships, and a newer projected state wins over an older page', async () => {
    const fresh = at('2026-02-01T00:00:00Z', ['legacy']);
    const projected = at('2026-03-01T00:00:00Z', ['admin']);
    await memberships.upsert(env, projected, { consumer: 'test', eventId: newId('event') });
    const written = await backfill([fresh, { ...projected, roleSlugs: ['stale'], updatedAt: new Date('2026-02-15T00:00:00Z') }]);
    assert.equal(written, 1);
    assert.deepEqual(await slugsOf(fresh.id), ['legacy']);
    assert.deepEqual(await slugsOf(projected.id), ['admin']);
    // A page as new as the projection changes nothing; a newer one updates it.
    assert.equal(await backfill([projected]), 0);
    assert.equal(await backfill([{ ...projected, roleSlugs: ['newer'], updatedAt: new Date('2026-04-01T00:00:00Z') }]), 1);
    assert.deepEqual(await slugsOf(projected.id), ['newer']);
  });

  test('a membership whose deletion was consumed is never written again', async () => {
    const m = at('2026-02-01T00:00:00Z', ['member']);
    await memberships.upsert(env, m, { consumer: 'test', eventId: newId('event') });
    await memberships.delete(env, m.id, { consumer: 'test', eventId: newId('event') });
    assert.equal(await backfill([m]), 0);
    assert.equal(await slugsOf(m.id), undefined);
  });

  test('the cursor moves with each page, never back, and a finished run starts over', async () => {
    const a = at('2026-02-01T00:00:00Z', ['member']);
    const b = at('2026-02-01T00:00:00Z', ['member']);
    await backfill([a, b]);
    const state = await progress.begin(env);
    assert.equal(state.membershipCursor, b.id);
    // A concurrent run's older page does not move it back.
    await memberships.backfill(env, [a], (client, written) => progress.advance(client, env, a.id, written));
    assert.equal((await progress.begin(env)).membershipCursor, b.id);
    const done = await progress.complete(env, 2);
    assert.ok(done.completedAt);
    assert.equal(done.rolesCreated, 2);
    const again = await progress.begin(env);
    assert.deepEqual([again.membershipCursor, again.membershipsBackfilled, again.rolesCreated, again.completedAt], [null, 0, 0, null]);
  });

  test('unknown slug uses are per organization view of the catalogue', async () => {
    const other = newId('org');
    await pool.query(
      `INSERT INTO authz_roles (id, environment_id, organization_id, slug, name, resource_type_slug) VALUES ($1, $2, NULL, 'member', 'Member', 'organization'), ($3, $2, $4, 'org-ops', 'Ops', 'organization')`,
      [newId('role'), env, newId('role'), other],
    );
    await memberships.upsert(env, { ...at('2026-02-01T00:00:00Z', ['org-ops', 'member']), organizationId: org }, { consumer: 'test', eventId: newId('event') });
    await memberships.upsert(env, { ...at('2026-02-01T00:00:00Z', ['org-ops']), organizationId: other }, { consumer: 'test', eventId: newId('event') });
    const uses = await progress.unknownSlugUses(env);
    assert.ok(uses.some((u) => u.organizationId === org && u.slug === 'org-ops'));
    assert.ok(!uses.some((u) => u.organizationId === other));
    assert.ok(!uses.some((u) => u.slug === 'member'));
    assert.deepEqual([...(await progress.organizationRoleSlugs(env, ['org-ops', 'legacy']))], ['org-ops']);
    assert.deepEqual(await progress.unknownSlugUses(newId('environment')), []);
  });
});
