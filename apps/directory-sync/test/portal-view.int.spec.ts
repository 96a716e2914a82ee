import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newId, randomToken, signInternalRequest } from '@wos/platform';
import { waitFor } from '@wos/platform/testing';
import { PrismaService } from '../src/infra/prisma.service';
import { portalViewSchema } from '../src/portal-view/portal-view.dto';
import { SCIM_REQUESTS_KEPT } from '../src/scim/scim-request-log.repository';
import { SCIM_GROUP, SCIM_USER, SECRET, startHarness, type Harness, type TestDirectory } from './support';

const EMPTY = { directory: null, activity: null };

/** The Admin Portal's one read of an organization's directory (`GET /internal/directory-sync/organizations/:id/portal_view`). */
describe('PortalViewController (directory-sync)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('dsync_portal_view');
  });
  after(async () => {
    await h?.close();
  });

  const view = (env: string, org: string) => h.api(env, 'GET', `/internal/directory-sync/organizations/${org}/portal_view`);
  const created = async (dir: TestDirectory, path: string, body: unknown) => {
    const r = await dir.scim('POST', path, body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string };
  };
  /** The request log is written once each answer is sent: waits for `n` rows. */
  const logged = (dir: TestDirectory, n: number) =>
    waitFor(async () => ((await h.sql('SELECT count(*)::int AS n FROM scim_request_log WHERE directory_id = $1', [dir.id]))[0].n >= n ? true : undefined), { timeoutMs: 10_000, message: `${n} logged requests` });
  /** A second directory of the same organization and environment, written as the harness writes one. */
  const sibling = async (dir: TestDirectory) => {
    const id = newId('directory');
    await h.sql(
      `INSERT INTO directories (id, environment_id, organization_id, name, type, external_key, state, token_hash, token_created_at)
       VALUES ($1, $2, $3, 'Newer', 'okta scim v2.0', $4, 'unlinked', $5, now())`,
      [id, dir.environmentId, dir.organizationId, randomToken(12), randomToken(32)],
    );
    return id;
  };

  test('the directory as the list gives it, with its requests, mappings and groups as their endpoints give them, from one statement', async () => {
    const dir = await h.directory(newId('environment'));
    const env = dir.environmentId;
    const user = await created(dir, '/Users', { schemas: [SCIM_USER], userName: 'jane@a.example', active: 'True', emails: [{ value: 'jane@a.example', primary: true }] });
    const group = await created(dir, '/Groups', { schemas: [SCIM_GROUP], displayName: 'Engineering', members: [{ value: user.id }] });
    await created(dir, '/Groups', { schemas: [SCIM_GROUP], displayName: 'Empty' });
    assert.equal((await dir.scim('GET', '/Users/nope')).status, 404);
    await logged(dir, 4);
    const groupId = group.id;
    await h.sql('UPDATE directories SET role_mappings = $2::jsonb WHERE id = $1', [dir.id, JSON.stringify([{ directory_group_id: groupId, role: 'admin' }])]);

    // Counted on the service's own pool: the reads of directories, the request log and groups.
    const pool = h.app.get(PrismaService).pool;
    const texts: string[] = [];
    const query = pool.query.bind(pool);
    pool.query = ((config: unknown, ...rest: unknown[]) => {
      const text = typeof config === 'string' ? config : (config as { text: string }).text;
      if (/directories|scim_request_log|directory_groups/.test(text)) texts.push(text);
      return (query as (...a: unknown[]) => unknown)(config, ...rest);
    }) as typeof pool.query;
    let r;
    try {
      r = await view(env, dir.organizationId);
    } finally {
      pool.query = query;
    }
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(texts.length, 1, texts.join('\n---\n'));
    portalViewSchema.strict().parse(r.body);

    const listed = await h.api(env, 'GET', `/directories?organization_id=${dir.organizationId}&limit=1`);
    assert.deepEqual(r.body.directory, listed.body.data[0]);
    assert.deepEqual(r.body.activity.requests, (await h.api(env, 'GET', `/directories/${dir.id}/scim_requests`)).body.data);
    assert.deepEqual(r.body.activity.mappings, (await h.api(env, 'GET', `/directories/${dir.id}/role_mappings`)).body.role_mappings);
    assert.deepEqual(r.body.activity.groups, (await h.api(env, 'GET', `/directory_groups?directory=${dir.id}&limit=100`)).body.data);
    assert.deepEqual(r.body.activity.mappings, [{ directory_group_id: groupId, role: 'admin' }]);
    assert.deepEqual(r.body.activity.groups.map((g: { name: string }) => g.name).sort(), ['Empty', 'Engineering']);

    // The request log, newest first, each entry as the row has it (created_at as Date#toISOString writes it).
    const rows = await h.sql('SELECT method, path, status, duration_ms, error, quirks, created_at FROM scim_request_log WHERE directory_id = $1 ORDER BY id DESC', [dir.id]);
    assert.deepEqual(
      r.body.activity.requests,
      rows.map((x) => ({ object: 'scim_request', method: x.method, path: x.path, status: x.status, duration_ms: x.duration_ms, error: x.error, quirks: x.quirks, created_at: x.created_at.toISOString() })),
    );
    assert.deepEqual(r.body.activity.requests.map((x: { method: string; status: number }) => [x.method, x.status]), [['GET', 404], ['POST', 201], ['POST', 201], ['POST', 201]]);
    assert.deepEqual(r.body.activity.requests.at(-1).quirks, ['string_booleans']);
    assert.ok(r.body.activity.requests[0].error, 'the 404 carries its SCIM error detail');

    // A newer directory of the organization is the one the list (and so the portal) names.
    const newer = await sibling(dir);
    const again = await view(env, dir.organizationId);
    assert.equal(again.body.directory.id, newer);
    assert.deepEqual(again.body.directory, (await h.api(env, 'GET', `/directories?organization_id=${dir.organizationId}&limit=1`)).body.data[0]);
    assert.deepEqual(again.body.activity, { requests: [], mappings: [], groups: [] });
  });

  test('the request log read keeps the newest entries only, and an empty log is an empty list', async () => {
    const dir = await h.directory(newId('environment'));
    assert.deepEqual((await view(dir.environmentId, dir.organizationId)).body.activity.requests, []);
    for (let i = 0; i < SCIM_REQUESTS_KEPT + 3; i++) await h.sql(`INSERT INTO scim_request_log (environment_id, directory_id, method, path, status, duration_ms) VALUES ($1, $2, 'GET', $3, 200, 1)`, [dir.environmentId, dir.id, `/Users?i=${i}`]);
    const { requests } = (await view(dir.environmentId, dir.organizationId)).body.activity;
    assert.equal(requests.length, SCIM_REQUESTS_KEPT);
    assert.equal(requests[0].path, `/Users?i=${SCIM_REQUESTS_KEPT + 2}`);
    assert.deepEqual(requests[0].quirks, []);
  });

  test('scoped by the signed environment and the path\'s organization: another environment, another organization, an unknown or malformed ID see nothing', async () => {
    const mine = await h.directory(newId('environment'));
    await created(mine, '/Groups', { schemas: [SCIM_GROUP], displayName: 'Mine' });
    await logged(mine, 1);
    // The same organization ID in another environment, with a directory of its own there.
    const other = newId('environment');
    const theirs = await h.directory(other);
    await h.sql('UPDATE directories SET organization_id = $2 WHERE id = $1', [theirs.id, mine.organizationId]);

    assert.equal((await view(mine.environmentId, mine.organizationId)).body.directory.id, mine.id);
    const seen = await view(other, mine.organizationId);
    assert.equal(seen.body.directory.id, theirs.id, 'the other environment sees only its own directory');
    assert.deepEqual(seen.body.activity, { requests: [], mappings: [], groups: [] });
    assert.deepEqual((await view(newId('environment'), mine.organizationId)).body, EMPTY, 'an environment without one');
    assert.deepEqual((await view(mine.environmentId, newId('org'))).body, EMPTY, 'another organization');
    for (const bad of ['not-an-org', `${mine.organizationId}x`, encodeURIComponent(`${mine.organizationId}' OR '1'='1`), 'x'.repeat(90)]) {
      const r = await view(mine.environmentId, bad);
      assert.equal(r.status, 200, `${bad}: ${JSON.stringify(r.body)}`);
      assert.deepEqual(r.body, EMPTY, bad);
    }
  });

  test('only a signed API-key context reaches it: unsigned and public-client requests are refused', async () => {
    const dir = await h.directory(newId('environment'));
    const path = `/internal/directory-sync/organizations/${dir.organizationId}/portal_view`;
    const base = `http://127.0.0.1:${(h.app.getHttpServer().address() as { port: number }).port}`;
    assert.equal((await fetch(`${base}${path}`)).status, 401);
    const publicClient = signInternalRequest(SECRET, 'directory-sync', dir.environmentId, { method: 'GET', path }, { authKind: 'public_client', clientId: 'client_01PORTALVIEW0000000000000' });
    assert.equal((await fetch(`${base}${path}`, { headers: publicClient })).status, 401);
    assert.equal((await h.api(dir.environmentId, 'GET', path)).status, 200);
  });
});
