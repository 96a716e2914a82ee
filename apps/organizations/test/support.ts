import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { internalFetch } from '@wos/platform';
import { createTestDatabase, startTxtDnsServer, testInfra, type TestDatabase, type TxtDnsServer } from '@wos/platform/testing';
import { loadAppConfig } from '../src/config';
import { startOrganizationsService } from '../src/organizations.app';

export const SECRET = 'organizations-test-secret';
export const MIGRATIONS = join(__dirname, '..', '..', 'prisma', 'migrations');
export const SCHEMA = join(__dirname, '..', '..', 'prisma', 'schema.prisma');

export interface Harness {
  db: TestDatabase;
  dns: TxtDnsServer;
  app: NestFastifyApplication;
  call: (env: string, method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
  close: () => Promise<void>;
}

/** The organizations service in-process, on its own database and a loopback DNS server. */
export async function startHarness(label: string): Promise<Harness> {
  const db = await createTestDatabase(label, MIGRATIONS);
  const dns = await startTxtDnsServer();
  const config = loadAppConfig({
    PORT: '0',
    INTERNAL_AUTH_SECRET: SECRET,
    DATABASE_URL: db.url,
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    DNS_SERVERS: `127.0.0.1:${dns.port}`,
    DNS_TIMEOUT_MS: '1000',
    LOG_LEVEL: 'silent',
  });
  const app = await startOrganizationsService(config);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const call = async (env: string, method: string, path: string, body?: unknown) => {
    const res = await internalFetch(`http://127.0.0.1:${port}${path}`, { key: SECRET, audience: 'organizations', environmentId: env }, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    db,
    dns,
    app,
    call,
    close: async () => {
      await app.close();
      await dns.close();
      await db.drop();
    },
  };
}
