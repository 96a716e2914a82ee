import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Producer } from 'kafkajs';
import { buildEvent, createKafka, createLogger, newId } from '@wos/platform';
import { testInfra, uniqueSuffix, waitFor } from '@wos/platform/testing';
import { Topic, type OrganizationWire } from '@wos/contracts';
import { startHarness, type Harness } from './support';
import { organizationMembershipResponseSchema } from '../src/memberships/memberships.dto';

const ENV = 'environment_01TESTLINKING0000000000000000';
const PASSWORD = 'correct horse battery staple';

/**
 * Identity linking and organization entry against real Postgres, Redis and Kafka. The
 * organizations service is not running here, so memberships are written as rows; the
 * sign-in flows that need it are in test/e2e/authkit-linking.spec.ts.
 */
describe('identity linking, organization entry and organization.deleted (real Postgres, Redis, Kafka)', () => {
  let h: Harness;
  let producer: Producer;

  before(async () => {
    h = await startHarness('identity_linking');
    producer = createKafka({ brokers: testInfra.kafkaBrokers, clientId: `identity-linking-test-${uniqueSuffix()}`, logger: createLogger('test', 'silent') }).producer();
    await producer.connect();
  });
  after(async () => {
    await producer?.disconnect();
    await h?.close();
  });

  const authenticate = (body: Record<string, unknown>) => h.call(ENV, 'POST', '/user_management/authenticate', { client_id: 'client_x', ...body });

  async function newUser(name: string): Promise<{ id: string; email: string }> {
    const res = await h.call(ENV, 'POST', '/user_management/users', { email: `${name}-${uniqueSuffix().toLowerCase()}@example.com`, password: PASSWORD, first_name: name });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  }

  async function addMembership(userId: string, organizationId: string, source = 'api', sourceConnectionId: string | null = null): Promise<string> {
    const id = newId('om');
    await h.sql(
      `INSERT INTO organization_memberships (id, environment_id, user_id, organization_id, organization_name, status, role_slugs, source, source_connection_id)
       VALUES ($1, $2, $3, $4, $5, 'active', ARRAY['member'], $6, $7)`,
      [id, ENV, userId, organizationId, `Org ${organizationId.slice(-4)}`, source, sourceConnectionId],
    );
    return id;
  }

  test('memberships answer with the nested user from one join, for get, list, update, deactivate and reactivate', async () => {
    const u = await newUser('nested');
    const org = newId('org');
    const id = await addMembership(u.id, org);
    const bodies = [
      (await h.call(ENV, 'GET', `/user_management/organization_memberships/${id}`)).body,
      ...(await h.call(ENV, 'GET', `/user_management/organization_memberships?user_id=${u.id}`)).body.data,
      (await h.call(ENV, 'PUT', `/user_management/organization_memberships/${id}`, { role_slug: 'admin' })).body,
      (await h.call(ENV, 'PUT', `/user_management/organization_memberships/${id}/deactivate`, {})).body,
      (await h.call(ENV, 'PUT', `/user_management/organization_memberships/${id}/reactivate`, {})).body,
    ];
    for (const b of bodies) {
      const m = organizationMembershipResponseSchema.parse(b);
      assert.equal(m.user.id, u.id);
      assert.equal(m.user.first_name, 'nested');
    }
    assert.deepEqual(bodies.map((b) => b.status), ['active', 'active', 'active', 'inactive', 'active']);
    // Another environment sees neither the membership nor its user.
    assert.equal((await h.call('environment_01TESTLINKINGOTHER00000000000', 'GET', `/user_management/organization_memberships/${id}`)).status, 404);
  });

  test('identities: only OAuth identities are listed, bare, with WorkOS provider names', async () => {
    const u = await newUser('ident');
    for (const [connection, type, idp] of [['conn_g', 'GoogleOAuth', 'g-1'], ['conn_gh', 'GitHubOAuth', '583231'], ['conn_saml', 'OktaSAML', 'okta-9']]) {
      await h.sql(`INSERT INTO identities (environment_id, connection_id, idp_id, user_id, connection_type) VALUES ($1, $2, $3, $4, $5)`, [ENV, connection, idp, u.id, type]);
    }
    const res = await h.call(ENV, 'GET', `/user_management/users/${u.id}/identities`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, [
      { idp_id: 'g-1', type: 'OAuth', provider: 'GoogleOAuth' },
      { idp_id: '583231', type: 'OAuth', provider: 'GithubOAuth' },
    ]);
    assert.deepEqual((await h.call(ENV, 'GET', `/user_management/users/${(await newUser('none')).id}/identities`)).body, []);
    assert.equal((await h.call(ENV, 'GET', '/user_management/users/user_01ZZZZZZZZZZZZZZZZZZZZZZZZ/identities')).status, 404);
  });

  test('refresh into an organization whose membership SSO granted needs a session through that SSO; SSO sessions stay in their organization', async () => {
    const u = await newUser('entry');
    const [viaSso, viaApi, home] = [newId('org'), newId('org'), newId('org')];
    await addMembership(u.id, viaSso, 'sso', 'conn_01TESTSSOCONNECTION00000000');
    await addMembership(u.id, viaApi, 'api');
    const signIn = await authenticate({ grant_type: 'password', email: u.email, password: PASSWORD });
    assert.equal(signIn.status, 403);
    const inApi = await authenticate({ grant_type: 'urn:workos:oauth:grant-type:organization-selection', organization_id: viaApi, pending_authentication_token: signIn.body.pending_authentication_token });
    assert.equal(inApi.status, 200, JSON.stringify(inApi.body));

    const refused = await authenticate({ grant_type: 'refresh_token', refresh_token: inApi.body.refresh_token, organization_id: viaSso });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'sso_required');
    assert.equal(refused.body.error, 'sso_required');
    assert.deepEqual(refused.body.connection_ids, ['conn_01TESTSSOCONNECTION00000000']);
    assert.equal(refused.body.email, u.email);

    // The same session, now marked as authenticated through `home`'s SSO: confined to `home`.
    await addMembership(u.id, home, 'sso', 'conn_home');
    const [{ session_id }] = await h.sql(`SELECT session_id FROM refresh_tokens WHERE used_at IS NULL AND session_id IN (SELECT id FROM sessions WHERE user_id = $1)`, [u.id]);
    await h.sql(`UPDATE sessions SET sso_connection_id = 'conn_home', sso_organization_id = $1 WHERE id = $2`, [home, session_id]);
    const confined = await authenticate({ grant_type: 'refresh_token', refresh_token: inApi.body.refresh_token, organization_id: viaSso });
    assert.equal(confined.status, 400);
    assert.equal(confined.body.error, 'invalid_grant');
    const intoHome = await authenticate({ grant_type: 'refresh_token', refresh_token: inApi.body.refresh_token, organization_id: home });
    assert.equal(intoHome.status, 200, JSON.stringify(intoHome.body));
    assert.equal(intoHome.body.organization_id, home);
    const backOut = await authenticate({ grant_type: 'refresh_token', refresh_token: intoHome.body.refresh_token, organization_id: viaApi });
    assert.equal(backOut.body.error, 'invalid_grant');
  });

  test('organization.deleted from Kafka ends memberships and scoped sessions once, even when delivered twice', async () => {
    const u = await newUser('leaver');
    const doomed = newId('org');
    const other = newId('org');
    await addMembership(u.id, doomed);
    const scoped = await authenticate({ grant_type: 'password', email: u.email, password: PASSWORD });
    assert.equal(scoped.body.organization_id, doomed);
    const stranger = await newUser('stranger');
    await addMembership(stranger.id, doomed);
    await addMembership(stranger.id, other);

    const orgWire = (id: string): OrganizationWire => ({ object: 'organization', id, name: 'Doomed', allow_profiles_outside_organization: false, domains: [], external_id: null, metadata: {}, created_at: new Date().toISOString(), updated_at: new Date().toISOString() });
    const deleted = buildEvent('organization.deleted', orgWire(doomed), ENV);
    const send = (event: ReturnType<typeof buildEvent>, key: string) => producer.send({ topic: Topic.organizations, messages: [{ key, value: JSON.stringify(event) }] });
    await send(deleted, doomed);
    await send(deleted, doomed);
    // A later event on the same partition (same key): once its effect shows, both copies above were handled.
    const marker = newId('org');
    await addMembership(stranger.id, marker);
    await send(buildEvent('organization.deleted', orgWire(marker), ENV), doomed);
    await waitFor(async () => (await h.sql(`SELECT 1 FROM organization_memberships WHERE organization_id = $1`, [marker])).length === 0, { timeoutMs: 90_000, message: 'the marker event is consumed' });

    assert.deepEqual(await h.sql(`SELECT organization_id FROM organization_memberships WHERE user_id = $1`, [stranger.id]), [{ organization_id: other }]);
    assert.equal((await h.sql(`SELECT 1 FROM organization_memberships WHERE organization_id = $1`, [doomed])).length, 0);
    const sessions = await h.sql(`SELECT status FROM sessions WHERE user_id = $1`, [u.id]);
    assert.deepEqual(sessions.map((s) => s.status), ['revoked']);
    const outbox = await h.sql<{ type: string; n: string }>(
      `SELECT payload->>'event' AS type, count(*) AS n FROM outbox WHERE payload->>'event' IN ('organization_membership.deleted', 'session.revoked') AND payload->'data'->>'user_id' IN ($1, $2) GROUP BY 1 ORDER BY 1`,
      [u.id, stranger.id],
    );
    assert.deepEqual(outbox.map((r) => [r.type, Number(r.n)]), [['organization_membership.deleted', 3], ['session.revoked', 1]]);
    assert.deepEqual(await h.sql(`SELECT count(*)::int AS n FROM inbox WHERE event_id = $1`, [deleted.id]), [{ n: 1 }]);

    const refresh = await authenticate({ grant_type: 'refresh_token', refresh_token: scoped.body.refresh_token });
    assert.equal(refresh.status, 400);
    assert.equal(refresh.body.error, 'invalid_grant');
  });
});
