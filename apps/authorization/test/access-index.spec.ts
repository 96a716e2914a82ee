import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Pool } from 'pg';
import pino from 'pino';
import { newId } from '@wos/platform';
import { createTestDatabase, waitFor, type TestDatabase } from '@wos/platform/testing';
import type { ResourceRef } from '../src/authz-core/resource-ref';
import { AccessIndex, mayLoad } from '../src/assignments/access-index';
import { AccessRepository } from '../src/assignments/access.repository';
import type { AppConfig } from '../src/config';
import type { PrismaService } from '../src/infra/prisma.service';

const MIGRATIONS = join(__dirname, '..', '..', 'prisma', 'migrations');

/* A small deterministic generator (mulberry32), so a failure names a reproducible data set. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Probe {
  env: string;
  membershipId: string;
  permission: string;
  ref: ResourceRef;
}

/*
 * Real Postgres with the service's migrations (triggers included). The index must answer every
 * check exactly as the check statement does, on random data sets, and again after each kind of
 * change made by another writer once `fence()` has resolved.
 */
describe('AccessIndex (Postgres)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let sql: AccessRepository;
  let index: AccessIndex;
  const probes: Probe[] = [];
  const rng = random(20261205);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const envs = [newId('environment'), newId('environment')];
  const permissions = ['doc:read', 'doc:write', 'doc:delete'];
  /* Per environment and organization: the seeded IDs the probes and the changes pick from. */
  const seeded: { env: string; org: string; resources: { id: string; type: string; externalId: string }[]; memberships: string[]; groups: string[] }[] = [];

  /*
   * No load counts as slow here: on a busy machine (the suite's parallel lanes) a reload after a
   * change took 5 ms or more, the organization's next load was deferred (mayLoad, tested below),
   * and its checks went to the statement while the index was serving, which compareAll refuses.
   */
  const newIndex = (organizationMaxRows = 100_000) =>
    new AccessIndex(
      { DATABASE_URL: db.url, AUTHZ_CHECK_INDEX_MAX_ROWS: 1_000_000, AUTHZ_CHECK_INDEX_ORGANIZATION_MAX_ROWS: organizationMaxRows, AUTHZ_CHECK_INDEX_SLOW_LOAD_MS: 3_600_000 } as AppConfig,
      pino({ level: 'silent' }),
      { pool } as unknown as PrismaService,
    );

  async function seed(): Promise<void> {
    const q = (text: string, values: unknown[]) => pool.query(text, values);
    for (const env of envs) {
      const permissionIds = new Map<string, string>();
      for (const slug of permissions) {
        const id = newId('perm');
        permissionIds.set(slug, id);
        await q(`INSERT INTO authz_permissions (id, environment_id, slug, name, resource_type_slug) VALUES ($1, $2, $3, $3, 'doc')`, [id, env, slug]);
      }
      const roles: string[] = [];
      const addRole = async (organizationId: string | null, slug: string) => {
        const id = newId('role');
        await q(`INSERT INTO authz_roles (id, environment_id, organization_id, slug, name, resource_type_slug) VALUES ($1, $2, $3, $4, $4, 'doc')`, [id, env, organizationId, slug]);
        for (const slug of permissions) if (rng() < 0.4) await q('INSERT INTO authz_role_permissions (role_id, permission_id) VALUES ($1, $2)', [id, permissionIds.get(slug)]);
        roles.push(id);
      };
      await addRole(null, 'viewer');
      await addRole(null, 'editor');
      for (let o = 0; o < 3; o++) {
        const org = newId('org');
        // An organization's own role may share a slug with an environment role: both count.
        await addRole(org, o === 0 ? 'viewer' : `custom-${o}`);
        const resources: { id: string; type: string; externalId: string }[] = [];
        for (let r = 0; r < 25; r++) {
          const parent = resources.length > 0 && rng() < 0.8 ? pick(resources) : undefined;
          const depth = parent ? (await q('SELECT count(*)::int AS n FROM authz_resource_ancestors WHERE resource_id = $1', [parent.id])).rows[0].n : 0;
          const res = { id: newId('authz_resource'), type: rng() < 0.5 ? 'doc' : 'folder', externalId: `x-${o}-${r}` };
          await q(`INSERT INTO authz_resources (id, environment_id, organization_id, resource_type_slug, external_id, name, parent_id) VALUES ($1, $2, $3, $4, $5, $5, $6)`, [
            res.id, env, org, res.type, res.externalId, depth < 6 ? (parent?.id ?? null) : null,
          ]);
          await q(`INSERT INTO authz_resource_ancestors (resource_id, ancestor_id, distance)
                   SELECT $1, $1, 0 UNION ALL SELECT $1, a.ancestor_id, a.distance + 1 FROM authz_resource_ancestors a WHERE a.resource_id = $2`, [res.id, depth < 6 ? (parent?.id ?? null) : null]);
          resources.push(res);
        }
        const memberships: string[] = [];
        for (let m = 0; m < 10; m++) {
          const id = newId('om');
          const slugs = [pick(['viewer', 'editor', 'member', `custom-${o}`])].filter(() => rng() < 0.3);
          await q(`INSERT INTO authz_memberships (id, environment_id, organization_id, user_id, role_slugs, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, now(), now())`, [
            id, env, org, newId('user'), slugs, rng() < 0.85 ? 'active' : 'inactive',
          ]);
          memberships.push(id);
          for (let a = 0; a < 3; a++) {
            await q(`INSERT INTO authz_role_assignments (id, environment_id, organization_membership_id, role_id, resource_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, [
              newId('role_assignment'), env, id, pick(roles), pick(resources).id,
            ]);
          }
        }
        const groups: string[] = [];
        for (let g = 0; g < 2; g++) {
          const id = newId('group');
          await q(`INSERT INTO authz_groups (id, environment_id, organization_id, name) VALUES ($1, $2, $3, $1)`, [id, env, org]);
          for (const m of memberships) if (rng() < 0.3) await q('INSERT INTO authz_group_members (group_id, organization_membership_id) VALUES ($1, $2)', [id, m]);
          await q(`INSERT INTO authz_group_role_assignments (id, environment_id, group_id, role_id, resource_id) VALUES ($1, $2, $3, $4, $5)`, [newId('role_assignment'), env, id, pick(roles), pick(resources).id]);
          groups.push(id);
        }
        seeded.push({ env, org, resources, memberships, groups });
      }
    }
    // Probes: mostly within the membership's organization, some across organizations and environments.
    for (let i = 0; i < 600; i++) {
      const home = pick(seeded);
      const there = rng() < 0.9 ? home : pick(seeded);
      const resource = pick(there.resources);
      const ref: ResourceRef = rng() < 0.7 ? { id: resource.id } : { typeSlug: resource.type, externalId: resource.externalId };
      probes.push({ env: rng() < 0.95 ? home.env : pick(envs), membershipId: pick(home.memberships), permission: pick(permissions), ref });
    }
  }

  /**
   * Every probe through the index (after the fence) and through the statement; returns how many
   * the index answered. Probes of `first`'s memberships go first: the first of them is asked
   * with no I/O between the fence and the answer, so a stale index cannot be saved by a NOTIFY
   * that happens to arrive in time.
   */
  async function compareAll(context: string, first?: (typeof seeded)[number]): Promise<number> {
    await index.fence();
    let fromMemory = 0;
    const ordered = first ? [...probes.filter((p) => first.memberships.includes(p.membershipId)), ...probes.filter((p) => !first.memberships.includes(p.membershipId))] : probes;
    for (const p of ordered) {
      // The index first: right after the fence, before any other round trip gives a NOTIFY time to arrive.
      const serving = index.serving;
      const got = await index.check(p.env, p.membershipId, p.permission, p.ref);
      const expected = await sql.check(p.env, p.membershipId, p.permission, p.ref);
      if (got === undefined) {
        // Not serving when asked (its LISTEN connection was being re-established) is an answer from the statement too.
        assert.ok(!expected.membershipFound || !expected.resourceFound || !serving || !index.serving, `${context}: a found pair was not answered from memory: ${JSON.stringify(p)}`);
        continue;
      }
      fromMemory++;
      assert.ok(expected.membershipFound && expected.resourceFound, `${context}: memory answered a pair the statement does not find: ${JSON.stringify(p)}`);
      assert.equal(got, expected.authorized, `${context}: ${JSON.stringify(p)}`);
    }
    return fromMemory;
  }

  before(async () => {
    db = await createTestDatabase('authorization_access_index', MIGRATIONS);
    pool = new Pool({ connectionString: db.url, max: 4 });
    sql = new AccessRepository({ pool } as unknown as PrismaService);
    await seed();
    index = newIndex();
    index.onModuleInit();
    await waitFor(() => index.serving || undefined, { timeoutMs: 10_000, intervalMs: 20, message: 'the index listening' });
  });
  after(async () => {
    await index?.onModuleDestroy();
    await pool?.end();
    await db?.drop();
  });

  test('answers every check as the check statement does, across organizations and environments', async () => {
    const fromMemory = await compareAll('seeded');
    assert.ok(fromMemory > 400, `most probes answered from memory (${fromMemory} of ${probes.length})`);
    assert.ok(probes.some((p) => p.env !== seeded.find((s) => s.memberships.includes(p.membershipId))!.env), 'some probes cross environments');
  });

  // Each change is made by "another writer" (plain SQL on the pool), as a second replica, a
  // consumer or an operator would; the triggers' NOTIFY and the fence make the next check see it.
  const changes: [string, (s: (typeof seeded)[number]) => Promise<unknown>][] = [
    ['a role assignment revoked', (s) => pool.query('DELETE FROM authz_role_assignments WHERE id = (SELECT id FROM authz_role_assignments WHERE organization_membership_id = ANY ($1) LIMIT 1)', [s.memberships])],
    ['a role assignment granted', (s) => pool.query(`INSERT INTO authz_role_assignments (id, environment_id, organization_membership_id, role_id, resource_id)
        SELECT $1, $2, $3, (SELECT id FROM authz_roles WHERE environment_id = $2 AND organization_id IS NULL LIMIT 1), $4 ON CONFLICT DO NOTHING`, [newId('role_assignment'), s.env, s.memberships[0], s.resources[0]!.id])],
    ['a membership deactivated', (s) => pool.query(`UPDATE authz_memberships SET status = 'inactive' WHERE id = $1`, [s.memberships[1]])],
    ['a membership given an organization-wide role', (s) => pool.query(`UPDATE authz_memberships SET role_slugs = '{editor}' WHERE id = $1`, [s.memberships[2]])],
    ['a membership deleted', (s) => pool.query('DELETE FROM authz_memberships WHERE id = $1', [s.memberships[3]])],
    ['a permission taken from an environment role', (s) => pool.query(`DELETE FROM authz_role_permissions WHERE role_id IN (SELECT id FROM authz_roles WHERE environment_id = $1 AND organization_id IS NULL)`, [s.env])],
    ['a permission given to an organization role', (s) => pool.query(`INSERT INTO authz_role_permissions (role_id, permission_id)
        SELECT r.id, p.id FROM authz_roles r, authz_permissions p WHERE r.organization_id = $1 AND p.environment_id = $2 ON CONFLICT DO NOTHING`, [s.org, s.env])],
    ['a permission deleted', (s) => pool.query(`DELETE FROM authz_permissions WHERE environment_id = $1 AND slug = 'doc:write'`, [s.env])],
    ['a group member removed', (s) => pool.query('DELETE FROM authz_group_members WHERE group_id = $1', [s.groups[0]])],
    ['a group member added', (s) => pool.query('INSERT INTO authz_group_members (group_id, organization_membership_id) SELECT $1, id FROM authz_memberships WHERE id = ANY ($2) ON CONFLICT DO NOTHING', [s.groups[1], s.memberships])],
    ['a group deleted', (s) => pool.query('DELETE FROM authz_groups WHERE id = $1', [s.groups[1]])],
    ['a subtree deleted', (s) => pool.query('DELETE FROM authz_resources WHERE id = $1', [s.resources[0]!.id])],
  ];
  for (const [name, change] of changes) {
    test(`after ${name} by another writer, the next check after fence() agrees with the statement`, async () => {
      for (const s of seeded.slice(0, 4)) {
        await change(s);
        await compareAll(name, s);
      }
    });
  }

  test('mayLoad: a slow load is not repeated within 50 times its duration; without one on record, loads go ahead', () => {
    assert.equal(mayLoad(undefined, 1_000), true);
    assert.equal(mayLoad({ at: 1_000, ms: 40 }, 1_000 + 1_999), false);
    assert.equal(mayLoad({ at: 1_000, ms: 40 }, 1_000 + 2_000), true);
  });

  test('an organization over the per-organization limit is checked in the database', async () => {
    const small = newIndex(5);
    small.onModuleInit();
    try {
      await waitFor(() => small.serving || undefined, { timeoutMs: 10_000, intervalMs: 20, message: 'listening' });
      const s = seeded[5]!;
      assert.equal(await small.check(s.env, s.memberships[0]!, 'doc:read', { id: s.resources[0]!.id }), undefined);
    } finally {
      await small.onModuleDestroy();
    }
  });
});
