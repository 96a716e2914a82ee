import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SecretBox, signInternalRequest } from '@wos/platform';
import { createTestDatabase, startSmtpSink, testInfra, type SmtpSink, type TestDatabase } from '@wos/platform/testing';
import { loadAppConfig } from '../src/config';
import { startIdentityService } from '../src/identity.app';

export const SECRET = 'identity-flows-test-secret';
export const MIGRATIONS = join(__dirname, '..', '..', 'prisma', 'migrations');
export const SCHEMA = join(__dirname, '..', '..', 'prisma', 'schema.prisma');

export interface FlowsHarness {
  db: TestDatabase;
  smtp: SmtpSink;
  app: NestFastifyApplication;
  call: (env: string, method: string, path: string, body?: unknown, opts?: { authKind?: 'api_key' | 'public_client' }) => Promise<{ status: number; body: any; headers: Headers }>;
  sql: <T = any>(text: string, values?: unknown[]) => Promise<T[]>;
  close: () => Promise<void>;
}

/** The identity service in-process on its own database, sending mail to an SMTP server on loopback. */
export async function startFlowsHarness(label: string, env: Record<string, string> = {}): Promise<FlowsHarness> {
  const db = await createTestDatabase(label, MIGRATIONS);
  const smtp = await startSmtpSink();
  const config = loadAppConfig({
    PORT: '0',
    INTERNAL_AUTH_SECRET: SECRET,
    INTERNAL_AUTH_PEER_KEYS: `organizations=${SECRET},sso=${SECRET}`,
    DATABASE_URL: db.url,
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    REDIS_URL: testInfra.redisUrl,
    SECRET_ENCRYPTION_KEYS: SecretBox.generateKeys(),
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    MAIL_FROM: 'AuthKit <auth@flows.test>',
    // Nothing listens here: organization invitations are covered by the E2E suite.
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
  const call: FlowsHarness['call'] = async (environment, method, path, body, opts = {}) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { ...signInternalRequest(SECRET, 'identity', environment, { method, path, body: payload }, { authKind: opts.authKind }), 'content-type': 'application/json' },
      body: payload,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  return {
    db,
    smtp,
    app,
    call,
    sql: async (text, values = []) => (await pg.query(text, values)).rows,
    close: async () => {
      await app.close();
      await pg.end();
      await smtp.close();
      await db.drop();
    },
  };
}
