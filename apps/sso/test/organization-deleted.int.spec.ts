import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Producer } from 'kafkajs';
import { Topic, type EventEnvelope } from '@wos/contracts';
import { buildEvent, createKafka, createLogger, newId } from '@wos/platform';
import { testInfra, uniqueSuffix } from '@wos/platform/testing';
import { startHarness, waitFor, type Harness } from './support/harness';
import { idpMetadataXml, newKeyPair } from './support/keys';

const CLIENT = 'client_01HZZZZZZZZZZZZZZZZZZZZZZZ';

/**
 * M7: organization.deleted on organizations.events.v1 (through real Kafka) deletes the
 * organization's connections in that environment, each with connection.deleted in the same
 * transaction, exactly once per event; nothing else is touched and sign-ins through them stop.
 */
describe('OrganizationEventsConsumer', () => {
  let h: Harness;
  let producer: Producer;
  let metadata: string;
  const env = newId('environment');
  const otherEnv = newId('environment');

  before(async () => {
    h = await startHarness('sso_org_deleted');
    const kafka = createKafka({ brokers: testInfra.kafkaBrokers, clientId: `sso-test-producer-${uniqueSuffix()}`, logger: createLogger('sso-test', 'silent') });
    producer = kafka.producer();
    await producer.connect();
    metadata = idpMetadataXml('https://idp.example.com/m', 'https://idp.example.com/sso', (await newKeyPair()).cert);
  });
  after(async () => {
    await producer?.disconnect();
    await h?.close();
  });

  const connect = async (environment: string, organizationId: string | null, activate = true) => {
    const r = await h.call(environment, 'POST', '/connections', {
      body: { name: 'IdP', connection_type: 'GenericSAML', ...(organizationId ? { organization_id: organizationId } : {}), saml: { idp_metadata_xml: metadata }, activate },
    });
    assert.equal(r.status, 201, r.text);
    return r.body.id as string;
  };
  const deletedEvent = (environment: string, organizationId: string): EventEnvelope => {
    const now = new Date().toISOString();
    return buildEvent('organization.deleted', { object: 'organization', id: organizationId, name: 'Gone', allow_profiles_outside_organization: false, domains: [], external_id: null, metadata: {}, created_at: now, updated_at: now }, environment);
  };
  /* One partition key for every message of a test, so they are consumed in the order sent. */
  const publish = (key: string, ...events: EventEnvelope[]) => producer.send({ topic: Topic.organizations, messages: events.map((e) => ({ key, value: JSON.stringify(e) })) });
  const connectionIds = async (environment: string) => new Set((await h.pool.query('SELECT id FROM connections WHERE environment_id = $1', [environment])).rows.map((r) => r.id as string));
  const deletedEvents = async () =>
    (await h.pool.query(`SELECT payload FROM outbox WHERE payload->>'event' = 'connection.deleted' ORDER BY seq`)).rows.map((r) => ({ id: r.payload.data.id as string, env: r.payload.environment_id as string }));

  test("deletes the organization's connections in its environment, with one connection.deleted each, once per event", async () => {
    const org = newId('org');
    const survivor = newId('org');
    const doomed = [await connect(env, org), await connect(env, org, false)];
    const kept = [await connect(env, survivor), await connect(env, null), await connect(otherEnv, org)];
    const event = deletedEvent(env, org);
    await publish(org, event);
    await waitFor(
      async () => {
        const ids = await connectionIds(env);
        return !doomed.some((id) => ids.has(id));
      },
      { timeoutMs: 120_000, message: 'the connections of the deleted organization to go' },
    );
    assert.deepEqual((await deletedEvents()).filter((e) => doomed.includes(e.id)).sort((a, b) => a.id.localeCompare(b.id)), doomed.map((id) => ({ id, env })).sort((a, b) => a.id.localeCompare(b.id)));
    const remaining = new Set([...(await connectionIds(env)), ...(await connectionIds(otherEnv))]);
    for (const id of kept) assert.ok(remaining.has(id), `${id} is untouched`);
    const signIn = await h.call(env, 'GET', `/sso/authorize?${new URLSearchParams({ client_id: CLIENT, redirect_uri: 'https://app.example.com/cb', response_type: 'code', connection: doomed[0]! })}`, {
      auth: { authKind: 'public_client', clientId: CLIENT },
    });
    assert.equal(signIn.status, 404, 'no sign-in through a deleted connection');

    // Redelivery of the same event changes nothing; a later event on the same key proves it was consumed.
    const marker = newId('org');
    const markerConn = await connect(env, marker);
    const before = (await deletedEvents()).length;
    await publish(org, event, deletedEvent(env, marker));
    await waitFor(async () => !(await connectionIds(env)).has(markerConn), { timeoutMs: 60_000, message: 'the marker event to be consumed' });
    assert.equal((await deletedEvents()).length, before + 1, 'only the marker connection was deleted');
    const { rows } = await h.pool.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'sso.organization-deleted' AND event_id = $1`, [event.id]);
    assert.equal(rows[0].n, 1);
  });
});
