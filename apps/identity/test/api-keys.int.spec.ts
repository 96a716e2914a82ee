import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { newId, SecretBox, signInternalRequest } from '@wos/platform';
import { createTestDatabase, testInfra, waitFor, type TestDatabase } from '@wos/platform/testing';
import { loadAppConfig } from '../src/config';
import { startIdentityService } from '../src/identity.app';
import { newApiKeyValue, obfuscate } from '../src/api-keys/api-keys.dto';
import { API_KEY_HASH_PURPOSE, ApiKeyValidationService } from '../src/api-keys/api-key-validation.service';
import { API_KEYS_REVOKED_CHANNEL } from '../src/api-keys/api-keys.repository';
import { MIGRATIONS, SECRET } from './support';

const ENV = 'environment_01APIKEYSENVA00000000000000';
const ORG = 'org_01APIKEYSORGA00000000000000';

/**
 * Two replicas of identity on one database: a key revoked through one stops validating on the
 * other within a second (the NOTIFY in the revoking transaction), although both had it cached.
 */
describe('API key validation across two replicas (real Postgres, Redis, Kafka)', () => {
  let db: TestDatabase;
  let pg: Client;
  const apps: NestFastifyApplication[] = [];
  const ports: number[] = [];
  // The replicas seal with k1 and still list k0, the key before a rotation.
  const retired = SecretBox.generateKeys('k0');
  const current = SecretBox.generateKeys('k1');
  const keys = `${current},${retired}`;
  const box = SecretBox.fromConfig(current);
  const oldBox = SecretBox.fromConfig(retired);

  before(async () => {
    db = await createTestDatabase('api_keys', MIGRATIONS);
    for (let i = 0; i < 2; i++) {
      const config = loadAppConfig({
        PORT: '0',
        INTERNAL_AUTH_SECRET: SECRET,
        INTERNAL_AUTH_PEER_KEYS: `organizations=${SECRET},sso=${SECRET}`,
        DATABASE_URL: db.url,
        KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
        REDIS_URL: testInfra.redisUrl,
        SECRET_ENCRYPTION_KEYS: keys,
        ORGANIZATIONS_URL: 'http://127.0.0.1:9',
        LOG_LEVEL: 'silent',
      });
      const app = await startIdentityService(config);
      apps.push(app);
      ports.push((app.getHttpServer().address() as AddressInfo).port);
    }
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  after(async () => {
    await pg?.end();
    for (const app of apps) await app.close();
    await db?.drop();
  });

  const call = async (replica: number, method: string, path: string, body?: unknown) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const res = await fetch(`http://127.0.0.1:${ports[replica]}${path}`, {
      method,
      headers: { ...signInternalRequest(SECRET, 'identity', ENV, { method, path, body: payload }), 'content-type': 'application/json' },
      body: payload,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const validate = async (replica: number, value: string) => {
    const r = await call(replica, 'POST', '/api_keys/validations', { value });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.api_key as { id: string } | null;
  };

  /** An organization key written as the create path writes it (the organizations service is not running here). */
  async function seedKey(under: SecretBox = box): Promise<{ id: string; value: string }> {
    const value = newApiKeyValue();
    const id = newId('api_key');
    await pg.query(
      `INSERT INTO api_keys (id, environment_id, owner_type, organization_id, name, value_hash, obfuscated_value) VALUES ($1, $2, 'organization', $3, 'seeded', $4, $5)`,
      [id, ENV, ORG, under.fingerprint(value, API_KEY_HASH_PURPOSE), obfuscate(value)],
    );
    return { id, value };
  }

  /** Polls a replica until the key stops validating; returns how long that took after the revocation answered. */
  async function msUntilRefused(replica: number, value: string, since: number): Promise<number> {
    await waitFor(async () => ((await validate(replica, value)) === null ? true : undefined), { timeoutMs: 5_000, intervalMs: 5, message: 'the key to stop validating' });
    return Date.now() - since;
  }

  test('delete through replica 0: replica 1 refuses the key within 1 s', async (t) => {
    const key = await seedKey();
    assert.equal((await validate(0, key.value))?.id, key.id);
    assert.equal((await validate(1, key.value))?.id, key.id);
    assert.equal((await validate(1, key.value))?.id, key.id, 'served from replica 1 cache');
    const r = await call(0, 'DELETE', `/api_keys/${key.id}`);
    assert.equal(r.status, 204);
    const since = Date.now();
    assert.equal(await validate(0, key.value), null, 'the revoking replica refuses at once');
    const ms = await msUntilRefused(1, key.value, since);
    t.diagnostic(`replica 1 refused the key ${ms} ms after the delete answered`);
    assert.ok(ms < 1000, `replica 1 refused after ${ms} ms`);
    const events = await pg.query(`SELECT payload FROM outbox WHERE payload->>'event' = 'api_key.revoked' AND payload->'data'->>'id' = $1`, [key.id]);
    assert.equal(events.rowCount, 1, 'api_key.revoked committed with the delete');
    assert.equal(JSON.stringify(events.rows[0].payload).includes(key.value), false);
  });

  test('expire through replica 1: replica 0 refuses the key within 1 s; the row stays', async () => {
    const key = await seedKey();
    assert.ok(await validate(0, key.value));
    assert.ok(await validate(1, key.value));
    const r = await call(1, 'POST', `/api_keys/${key.id}/expire`, {});
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const ms = await msUntilRefused(0, key.value, Date.now());
    assert.ok(ms < 1000, `replica 0 refused after ${ms} ms`);
    assert.equal((await pg.query('SELECT 1 FROM api_keys WHERE id = $1', [key.id])).rowCount, 1);
  });

  test('last_used_at is recorded in the background from both replicas', async () => {
    const key = await seedKey();
    await validate(0, key.value);
    await validate(1, key.value);
    const at = await waitFor(async () => (await pg.query('SELECT last_used_at FROM api_keys WHERE id = $1', [key.id])).rows[0]?.last_used_at ?? undefined, {
      timeoutMs: 10_000,
      message: 'last_used_at',
    });
    assert.ok(at instanceof Date);
  });

  test('a key fingerprinted before a SecretBox rotation validates, moves to the current key, and still revokes everywhere', async () => {
    const key = await seedKey(oldBox);
    assert.equal((await validate(0, key.value))?.id, key.id);
    assert.equal((await validate(1, key.value))?.id, key.id);
    const moved = box.fingerprint(key.value, API_KEY_HASH_PURPOSE);
    await waitFor(async () => ((await pg.query('SELECT value_hash FROM api_keys WHERE id = $1', [key.id])).rows[0]?.value_hash === moved ? true : undefined), {
      timeoutMs: 5_000,
      message: 'the key to be re-fingerprinted under k1',
    });
    assert.equal((await call(0, 'DELETE', `/api_keys/${key.id}`)).status, 204);
    const ms = await msUntilRefused(1, key.value, Date.now());
    assert.ok(ms < 1000, `replica 1 refused after ${ms} ms`);
  });

  test("while a replica's LISTEN connection is down it reads every validation from the database: a key deleted meanwhile is refused at once", async () => {
    const key = await seedKey();
    const validation = apps[1]!.get(ApiKeyValidationService);
    await waitFor(() => validation.serving, { timeoutMs: 10_000, message: 'replica 1 listening' });
    assert.equal((await validate(1, key.value))?.id, key.id);
    assert.equal((await validate(1, key.value))?.id, key.id, 'served from replica 1 cache');
    // Both replicas' listeners (this database's only): notifications sent now are lost to them.
    await pg.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [`listen:${API_KEYS_REVOKED_CHANNEL}`]);
    await waitFor(() => !validation.serving, { timeoutMs: 10_000, message: 'replica 1 noticed the loss' });
    await pg.query('DELETE FROM api_keys WHERE id = $1', [key.id]);
    assert.equal(await validate(1, key.value), null, 'refused while the listener is down (it served the cached key until the reconnection)');
    await waitFor(() => validation.serving, { timeoutMs: 15_000, message: 'replica 1 listening again' });
  });

  test('a key of another environment, or a value that is no key, validates as null', async () => {
    const key = await seedKey();
    assert.ok(await validate(0, key.value));
    const other = 'environment_01APIKEYSENVB00000000000000';
    const payload = JSON.stringify({ value: key.value });
    const res = await fetch(`http://127.0.0.1:${ports[0]}/api_keys/validations`, {
      method: 'POST',
      headers: { ...signInternalRequest(SECRET, 'identity', other, { method: 'POST', path: '/api_keys/validations', body: payload }), 'content-type': 'application/json' },
      body: payload,
    });
    assert.deepEqual(await res.json(), { api_key: null });
    assert.equal(await validate(0, `${key.value.slice(0, -1)}x`), null);
    assert.equal(await validate(0, 'not a key'), null);
  });
});
