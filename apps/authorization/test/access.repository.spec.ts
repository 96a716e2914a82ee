import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Pool } from 'pg';
import { newId } from '@wos/platform';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';
import { AccessRepository } from '../src/assignments/access.repository';
import { AssignmentsRepository } from '../src/assignments/assignments.repository';
import type { PrismaService } from '../src/infra/prisma.service';
import { MembershipsRepository } from '../src/memberships/memberships.repository';
import { ResourcesRepository } from '../src/resources/resources.repository';

const MIGRATIONS = join(__dirname, '..', '..', 'prisma', 'migrations');

/* Real Postgres, the service's own migrations and repositories; no Nest. */
describe('authorization repositories (Postgres)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let memberships: MembershipsRepository;
  let resources: ResourcesRepository;
  let assignments: AssignmentsRepository;
  let access: AccessRepository;
  const env = newId('environment');
  const org = newId('org');

  before(async () => {
    db = await createTestDatabase('authorization_access', MIGRATIONS);
    pool = new Pool({ connectionString: db.url, max: 4 });
    const prisma = { pool } as unknown as PrismaService;
    memberships = new MembershipsRepository(prisma);
    resources = new ResourcesRepository(prisma);
    assignments = new AssignmentsRepository(prisma);
    access = new AccessRepository(prisma);
    await pool.query(`INSERT INTO authz_permissions (id, environment_id, slug, name, resource_type_slug) VALUES ('perm_1', $1, 'doc:read', 'Read', 'doc')`, [env]);
    await pool.query(`INSERT INTO authz_roles (id, environment_id, organization_id, slug, name, resource_type_slug) VALUES ('role_1', $1, $2, 'org-reader', 'Reader', 'doc')`, [env, org]);
    await pool.query(`INSERT INTO authz_role_permissions (role_id, permission_id) VALUES ('role_1', 'perm_1')`);
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  const membership = (id: string, at: string, status = 'active') => ({
    id,
    organizationId: org,
    userId: newId('user'),
    roleSlugs: ['member'],
    status,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date(at),
  });

  test('the membership projection applies each event once and never goes back in time', async () => {
    const id = newId('om');
    const inbox = (eventId: string) => ({ consumer: 'test', eventId });
    await memberships.upsert(env, membership(id, '2026-01-01T00:00:01Z'), inbox('event_a'));
    await memberships.upsert(env, membership(id, '2026-01-01T00:00:03Z', 'inactive'), inbox('event_c'));
    // A late, older update and a redelivered event change nothing.
    await memberships.upsert(env, membership(id, '2026-01-01T00:00:02Z'), inbox('event_b'));
    await memberships.upsert(env, membership(id, '2026-01-01T00:00:01Z'), inbox('event_a'));
    assert.equal((await memberships.find(env, id))?.status, 'inactive');
    // Another environment never sees it.
    assert.equal(await memberships.find(newId('environment'), id), null);
    await memberships.delete(env, id, inbox('event_d'));
    assert.equal(await memberships.find(env, id), null);
  });

  test('a 6-level tree: closure rows, inheritance from the root, environment scoping, cascade', async () => {
    const om = newId('om');
    await memberships.upsert(env, membership(om, '2026-01-01T00:00:01Z'), { consumer: 'test', eventId: newId('event') });
    const chain: string[] = [];
    for (let depth = 1; depth <= 6; depth++) {
      const r = { id: newId('authz_resource'), organizationId: org, resourceTypeSlug: 'doc', externalId: `d${depth}`, name: `D${depth}`, description: null, parentId: chain.at(-1) ?? null, createdAt: new Date(), updatedAt: new Date() };
      assert.notEqual(typeof (await resources.create(env, r)), 'string');
      chain.push(r.id);
    }
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM authz_resource_ancestors WHERE resource_id = $1', [chain[5]]);
    assert.equal(rows[0]!.n, 6);
    const check = (resourceId: string) => access.check(env, om, 'doc:read', { id: resourceId });
    assert.equal((await check(chain[5]!)).authorized, false);
    await assignments.create(env, { id: newId('role_assignment'), membershipId: om, roleId: 'role_1', resourceId: chain[0]! });
    for (const id of chain) assert.equal((await check(id)).authorized, true);
    // Scoped to the environment: the same IDs from another environment find nothing.
    const elsewhere = await access.check(newId('environment'), om, 'doc:read', { id: chain[5]! });
    assert.deepEqual(elsewhere, { membershipFound: false, resourceFound: false, authorized: false });
    // A resource with children is kept unless cascading; cascading removes the subtree and its grants.
    assert.equal(await resources.delete(env, chain[0]!, false), 'has_dependents');
    assert.equal(await resources.delete(env, chain[0]!, true), 'deleted');
    const left = await pool.query<{ n: number }>('SELECT (SELECT count(*) FROM authz_resources WHERE id = ANY($1))::int + (SELECT count(*) FROM authz_role_assignments WHERE organization_membership_id = $2)::int AS n', [chain, om]);
    assert.equal(left.rows[0]!.n, 0);
  });
});
