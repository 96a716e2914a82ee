import { join } from 'node:path';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { Redis } from 'ioredis';
import { SecretBox, signInternalRequest, verifyInternalRequest } from '@wos/platform';
import { createTestDatabase, testInfra, testRedisUrl, waitFor, type TestDatabase } from '@wos/platform/testing';
import { loadAppConfig, type AppConfig } from '../../src/config';
import { startSsoService } from '../../src/sso.app';

export const SECRET = 'sso-test-internal-secret';

/** The context the gateway would sign for this request to the in-process sso service. */
export function signedHeaders(environment: string, method: string, url: string, auth: { authKind?: 'api_key' | 'public_client'; clientId?: string } = {}, body?: string): Record<string, string> {
  const u = new URL(url);
  return signInternalRequest(SECRET, 'sso', environment, { method, path: `${u.pathname}${u.search}`, body }, auth);
}
/** The one organization the stand-in organizations service does not know. */
export const MISSING_ORG = 'org_01ZZZZZZZZZZZZZZZZZZZZZZZZ';
export const MIGRATIONS = join(__dirname, '..', '..', '..', 'prisma', 'migrations');
export const SCHEMA = join(__dirname, '..', '..', '..', 'prisma', 'schema.prisma');

export interface CallOptions {
  body?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sign the internal context as the gateway would; `false` sends the request unsigned. */
  auth?: { authKind?: 'api_key' | 'public_client'; clientId?: string } | false;
}

export interface Reply {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

/** An organization as the stand-in organizations service answers for it. */
export interface StandInOrganization {
  domains: { domain: string; state: 'verified' | 'pending' | 'failed' }[];
  allow_profiles_outside_organization: boolean;
}

export interface Harness {
  db: TestDatabase;
  /** Organizations the stand-in knows explicitly; any other well-formed ID exists and lets every profile in. */
  organizations: Map<string, StandInOrganization>;
  app: NestFastifyApplication;
  config: AppConfig;
  baseUrl: string;
  pool: Pool;
  redis: Redis;
  call: (env: string, method: string, path: string, opts?: CallOptions) => Promise<Reply>;
  /** authentication.sso_* events in the outbox for this environment, oldest first. */
  authEvents: (env: string) => Promise<{ event: string; data: any }[]>;
  /** Waits for an sso_failed event with this reason (the refusal is recorded before the reply). */
  failureReasons: (env: string) => Promise<string[]>;
  close: () => Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** The sso service in-process on its own database; the test plays the gateway by signing contexts. */
export async function startHarness(label: string, env: Record<string, string> = {}): Promise<Harness> {
  const db = await createTestDatabase(label, MIGRATIONS);
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const baseUrl = env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${port}`;
  const config = loadAppConfig({
    PORT: String(port),
    INTERNAL_AUTH_SECRET: SECRET,
    INTERNAL_AUTH_PEER_KEYS: `organizations=${SECRET}`,
    // The test IdPs listen on loopback http.
    ALLOW_LOOPBACK_URLS: 'true',
    DATABASE_URL: db.url,
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    REDIS_URL: process.env.SSO_TEST_REDIS_URL ?? testRedisUrl(6),
    SECRET_ENCRYPTION_KEYS: SecretBox.generateKeys(),
    PUBLIC_BASE_URL: baseUrl,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const known = new Map<string, StandInOrganization>();
  const organizations = await startOrganizationsStandIn(known);
  const app = await startSsoService({ ...config, ORGANIZATIONS_URL: env.ORGANIZATIONS_URL ?? organizations.url });
  const pool = new Pool({ connectionString: db.url, max: 2 });
  const redis = new Redis(config.REDIS_URL);
  const call = async (environment: string, method: string, path: string, o: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...o.headers };
    let body: string | undefined;
    if (o.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(o.form).toString();
    } else if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    }
    if (o.auth !== false) Object.assign(headers, signedHeaders(environment, method, `${baseUrl}${path}`, o.auth ?? {}, body));
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  const authEvents = async (environment: string) => {
    const { rows } = await pool.query<{ payload: { event: string; data: unknown; environment_id: string } }>(
      `SELECT payload FROM outbox WHERE payload->>'event' LIKE 'authentication.%' AND payload->>'environment_id' = $1 ORDER BY seq`,
      [environment],
    );
    return rows.map((r) => ({ event: r.payload.event, data: r.payload.data as any }));
  };
  return {
    db,
    organizations: known,
    app,
    config,
    baseUrl,
    pool,
    redis,
    call,
    authEvents,
    failureReasons: async (environment) => (await authEvents(environment)).filter((e) => e.event === 'authentication.sso_failed').map((e) => e.data.error.code),
    close: async () => {
      await app.close();
      await organizations.close();
      await pool.end();
      redis.disconnect();
      await db.drop();
    },
  };
}

export { waitFor };

/**
 * The organizations service as the sso service sees it: every well-formed organization ID exists
 * (in any correctly signed environment) except MISSING_ORG. Organizations a test registers answer
 * with their domains and setting; the others have no domains and allow profiles from outside, so
 * tests about other things need no setup. The end-to-end tests use the real service.
 */
async function startOrganizationsStandIn(known: Map<string, StandInOrganization>): Promise<{ url: string; close(): Promise<void> }> {
  const server = createHttpServer((req, res) => {
    const id = /^\/organizations\/(org_[0-9A-Z]{26})$/.exec(req.url ?? '')?.[1];
    if (!id || id === MISSING_ORG || !verifyInternalRequest(SECRET, 'organizations', { method: req.method!, url: req.url!, headers: req.headers })) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"entity_not_found"}');
    const org = known.get(id) ?? { domains: [], allow_profiles_outside_organization: true };
    const domains = org.domains.map((d, i) => ({ object: 'organization_domain', id: `org_domain_${i}`, organization_id: id, ...d }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'organization', id, name: 'Stand-in', domains, allow_profiles_outside_organization: org.allow_profiles_outside_organization }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
