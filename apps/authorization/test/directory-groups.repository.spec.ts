import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Pool } from 'pg';
import { newId, pgTransaction } from '@wos/platform';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';
import { GroupsRepository } from '../src/groups/groups.repository';
import type { PrismaService } from '../src/infra/prisma.service';
import { MembershipsRepository } from '../src/memberships/memberships.repository';

const MIGRATIONS = join(__dirname, '..', '..', 'prisma', 'migrations');

/*
 * Groups kept for directory groups (real Postgres, the service's migrations; no Nest): a member
 * whose membership is not projected yet waits and joins when the projection arrives, whichever
 * of the two event streams is first; every step is idempotent and writes its group.* event once.
 */
describe('directory groups (Postgres)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let groups: GroupsRepository;
  let memberships: MembershipsRepository;
  const env = newId('environment');
  const org = newId('org');
  const dir = { directoryGroupId: newId('directory_group'), directoryId: newId('directory'), organizationId: org, name: 'Engineering' };

  before(async () => {
    db = await createTestDatabase('authorization_directory_groups', MIGRATIONS);
    pool = new Pool({ connectionString: db.url, max: 4 });
    const prisma = { pool } as unknown as PrismaService;
    groups = new GroupsRepository(prisma);
    memberships = new MembershipsRepository(prisma);
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  const tx = <T>(fn: Parameters<typeof pgTransaction<T>>[1]) => pgTransaction(pool, fn);
  const events = async (type: string) =>
    (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'event' = $1`, [type])).rows[0]!.n;
  const project = (id: string, organizationId = org) =>
    memberships.upsert(
      env,
      { id, organizationId, userId: newId('user'), roleSlugs: ['member'], status: 'active', createdAt: new Date(), updatedAt: new Date() },
      { consumer: 'test', eventId: newId('event') },
    );
  const memberIds = async (groupId: string) =>
    (await pool.query<{ m: string }>('SELECT organization_membership_id AS m FROM authz_group_members WHERE group_id = $1 ORDER BY 1', [groupId])).rows.map((r) => r.m);

  test('a member before its projection waits, then joins on projection; twice changes nothing', async () => {
    const g = (await tx((c) => groups.syncDirectoryGroup(c, env, dir)))!;
    assert.equal((await tx((c) => groups.syncDirectoryGroup(c, env, dir)))!.id, g.id, 'the same group on a second sight');
    assert.equal(await events('group.created'), 1);

    const early = newId('om');
    assert.equal(await tx((c) => groups.addOrPend(c, env, g, early)), 'pending');
    assert.equal(await tx((c) => groups.addOrPend(c, env, g, early)), 'pending');
    assert.deepEqual(await memberIds(g.id), []);
    await project(early);
    assert.deepEqual(await memberIds(g.id), [early]);
    assert.equal(await events('group.member_added'), 1);

    const late = newId('om');
    await project(late);
    assert.equal(await tx((c) => groups.addOrPend(c, env, g, late)), 'added');
    assert.equal(await tx((c) => groups.addOrPend(c, env, g, late)), 'unchanged');
    assert.equal(await events('group.member_added'), 2);
  });

  test("another organization's membership never joins, waiting or not; renames and removals write their events", async () => {
    const other = { ...dir, directoryGroupId: newId('directory_group') };
    const g = (await tx((c) => groups.syncDirectoryGroup(c, env, other)))!;
    const outsider = newId('om');
    await project(outsider, newId('org'));
    assert.equal(await tx((c) => groups.addOrPend(c, env, g, outsider)), 'other_organization');
    const pendingOutsider = newId('om');
    await tx((c) => groups.addOrPend(c, env, g, pendingOutsider));
    await project(pendingOutsider, newId('org'));
    assert.deepEqual(await memberIds(g.id), []);
    assert.equal((await pool.query('SELECT 1 FROM authz_group_pending_members WHERE group_id = $1', [g.id])).rowCount, 0, 'the pending row is dropped');

    const renamed = (await tx((c) => groups.syncDirectoryGroup(c, env, { ...other, name: 'Platform' })))!;
    assert.equal(renamed.name, 'Platform');
    assert.equal(await events('group.updated'), 1);
    assert.equal(await tx((c) => groups.syncDirectoryGroup(c, env, { ...dir, organizationId: newId('org') })), null, 'a directory group stays with its organization');

    const m = newId('om');
    await project(m);
    const first = (await tx((c) => groups.syncDirectoryGroup(c, env, dir)))!;
    await tx((c) => groups.addOrPend(c, env, first, m));
    assert.equal(await tx((c) => groups.removeDirectoryMember(c, env, dir.directoryGroupId, m)), true);
    assert.equal(await tx((c) => groups.removeDirectoryMember(c, env, dir.directoryGroupId, m)), false);
    assert.equal(await events('group.member_removed'), 1);
    assert.equal(await tx((c) => groups.deleteDirectoryGroups(c, env, { directoryId: dir.directoryId })), 2);
    assert.equal(await events('group.deleted'), 2);
  });
});
