import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { newId, randomToken, sha256Hex, signInternalRequest } from '@wos/platform';
import { createTestDatabase, testInfra, type TestDatabase } from '@wos/platform/testing';
import { loadAppConfig } from '../src/config';
import { startDirectorySyncService } from '../src/directory-sync.app';

export const SECRET = 'directory-sync-test-secret';
export const MIGRATIONS = join(__dirname, '..', '..', 'prisma', 'migrations');
export const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const patchOp = (...Operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });

export interface Reply {
  status: number;
  body: any;
}

/** One seeded directory and a SCIM client for it, as its IdP would call it. */
export interface TestDirectory {
  id: string;
  environmentId: string;
  organizationId: string;
  /** `body` as a string goes out verbatim (keys such as "__proto__" stay keys). */
  scim(method: string, path: string, body?: unknown): Promise<Reply>;
}

export interface Harness {
  db: TestDatabase;
  app: NestFastifyApplication;
  /** A directory in `environmentId`, written straight to the database (no organizations service here). */
  directory(environmentId: string): Promise<TestDirectory>;
  /** A WorkOS API call with a signed environment context, as the gateway sends it. */
  api(environmentId: string, method: string, path: string): Promise<Reply>;
  /** The outbox rows' event types and data, oldest first. */
  outbox(): Promise<{ event: string; data: any }[]>;
  sql(text: string, values?: unknown[]): Promise<any[]>;
  close(): Promise<void>;
}

async function call(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<Reply> {
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** directory-sync in-process on its own database, with real Kafka for its relay and consumer. */
export async function startHarness(label: string, env: Record<string, string> = {}): Promise<Harness> {
  const db = await createTestDatabase(label, MIGRATIONS);
  const config = loadAppConfig({
    PORT: '0',
    INTERNAL_AUTH_SECRET: SECRET,
    INTERNAL_AUTH_PEER_KEYS: `organizations=${SECRET}`,
    DATABASE_URL: db.url,
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    // Nothing listens there: activation's organization lookup fails fast and is optional.
    ORGANIZATIONS_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await startDirectorySyncService(config);
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  const sql = async (text: string, values: unknown[] = []) => (await pg.query(text, values)).rows;

  return {
    db,
    app,
    sql,
    async directory(environmentId) {
      const id = newId('directory');
      const organizationId = newId('org');
      const token = randomToken(32);
      await sql(
        `INSERT INTO directories (id, environment_id, organization_id, name, type, external_key, state, token_hash, token_created_at)
         VALUES ($1, $2, $3, 'Test', 'generic scim v2.0', $4, 'unlinked', $5, now())`,
        [id, environmentId, organizationId, randomToken(12), sha256Hex(token)],
      );
      const headers = { authorization: `Bearer ${token}`, accept: 'application/scim+json' };
      return { id, environmentId, organizationId, scim: (method, path, body) => call(`${base}/scim/v2/${id}${path}`, method, headers, body) };
    },
    api: (environmentId, method, path) => call(`${base}${path}`, method, signInternalRequest(SECRET, 'directory-sync', environmentId, { method, path })),
    outbox: async () => (await sql(`SELECT payload->>'event' AS event, payload->'data' AS data FROM outbox ORDER BY seq`)) as { event: string; data: any }[],
    async close() {
      await pg.end();
      await app.close();
      await db.drop();
    },
  };
}
