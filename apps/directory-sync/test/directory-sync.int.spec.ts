import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Client } from 'pg';
import { findSchemaDrift } from '@wos/platform';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';

const MIGRATIONS = join(__dirname, '..', '..', 'prisma', 'migrations');
const SCHEMA = join(__dirname, '..', '..', 'prisma', 'schema.prisma');

describe('directory-sync database (real Postgres)', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('dsync', MIGRATIONS);
  });
  after(async () => {
    await db?.drop();
  });

  test('the schema has no drift from its migrations', async () => {
    assert.deepEqual(await findSchemaDrift(SCHEMA, db.url), []);
  });

  test('userName is unique per directory, case-insensitively, and deleting a directory removes its users, groups and memberships', async () => {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query(`INSERT INTO directories (id, environment_id, organization_id, name, type, external_key, state, token_hash, token_created_at)
        VALUES ('d1', 'e', 'o', 'n', 'okta scim v2.0', 'k', 'unlinked', 'h', now()), ('d2', 'e', 'o', 'n', 'okta scim v2.0', 'k', 'unlinked', 'h', now())`);
      const user = (id: string, dir: string, name: string) =>
        c.query(`INSERT INTO directory_users (id, environment_id, directory_id, organization_id, idp_id, user_name, state) VALUES ($1, 'e', $2, 'o', $1, $3, 'active')`, [id, dir, name]);
      await user('u1', 'd1', 'Jane@x');
      await user('u2', 'd2', 'jane@x');
      await assert.rejects(user('u3', 'd1', 'JANE@X'), (e: { code?: string }) => e.code === '23505');
      await c.query(`INSERT INTO directory_groups (id, environment_id, directory_id, organization_id, idp_id, display_name) VALUES ('g1', 'e', 'd1', 'o', 'g1', 'G')`);
      await c.query(`INSERT INTO directory_group_members (group_id, user_id, directory_id) VALUES ('g1', 'u1', 'd1')`);
      await assert.rejects(c.query(`UPDATE directories SET state = 'bogus' WHERE id = 'd1'`));
      await c.query(`DELETE FROM directories WHERE id = 'd1'`);
      const left = await c.query(`SELECT (SELECT count(*) FROM directory_users)::int AS users, (SELECT count(*) FROM directory_groups)::int AS groups, (SELECT count(*) FROM directory_group_members)::int AS members`);
      assert.deepEqual(left.rows[0], { users: 1, groups: 0, members: 0 });
    } finally {
      await c.end();
    }
  });
});
