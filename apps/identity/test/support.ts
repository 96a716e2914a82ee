import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SecretBox, signInternalRequest } from '@wos/platform';
import { createTestDatabase, testInfra, type TestDatabase } from '@wos/platform/testing';
import { loadAppConfig } from '../src/config';
import { startIdentityService } from '../src/identity.app';

export const SECRET = 'identity-core-test-secret-0123456789abcdef';
export const MIGRATIONS = join(__dirname, '..', '..', 'prisma', 'migrations');
export const SCHEMA = join(__dirname, '..', '..', 'prisma', 'schema.prisma');

export interface Harness {
  db: TestDatabase;
  app: NestFastifyApplication;
  call: (env: string, method: string, path: string, body?: unknown) => Promise<{ status: number; body: any; headers: Headers }>;
  sql: <T = any>(text: string, values?: unknown[]) => Promise<T[]>;
  close: () => Promise<void>;
}

/** The identity service in-process on its own database (organizations are not reachable here). */
export async function startHarness(label: string, env: Record<string, string> = {}): Promise<Harness> {
  const db = await createTestDatabase(label, MIGRATIONS);
  const config = loadAppConfig({
    PORT: '0',
    INTERNAL_AUTH_SECRET: SECRET,
    INTERNAL_AUTH_PEER_KEYS: `organizations=${SECRET},sso=${SECRET}`,
    DATABASE_URL: db.url,
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    REDIS_URL: testInfra.redisUrl,
    SECRET_ENCRYPTION_KEYS: SecretBox.generateKeys(),
    ORGANIZATIONS_URL: 'http://127.0.0.1:9',
    ARGON2_MEMORY_KIB: '8192',
    ARGON2_TIME_COST: '1',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await startIdentityService(config);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  return {
    db,
    app,
    call: async (environment, method, path, body) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { ...signInternalRequest(SECRET, 'identity', environment, { method, path, body: payload }), 'content-type': 'application/json' },
        body: payload,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    },
    sql: async (text, values) => (await pg.query(text, values as unknown[])).rows,
    close: async () => {
      await pg.end();
      await app.close();
      await db.drop();
    },
  };
}
