import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { createLogger, createPgPool, createPrismaAdapter, createRedis, SecretBox, sha256Hex, verifyInternalRequest, type InternalContext } from '@wos/platform';
import { createTestDatabase, testInfra, uniqueSuffix, type TestDatabase } from '@wos/platform/testing';
import { configSchema, type AppConfig } from '../../src/config';
import { startGateway, type RunningGateway } from '../../src/gateway';
import { PrismaClient } from '../../src/generated/prisma/client';
import { CredentialsRepository } from '../../src/credentials/credentials.repository';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { EchoUpstream, type EchoedRequest } from './echo.upstream';
import { UPSTREAM_URL_VARIABLES } from '../../src/routing/route.table';

export const MIGRATIONS_DIR = join(__dirname, '..', '..', '..', 'prisma', 'migrations');
export const INTERNAL_SECRET = 'test-internal-secret-0123456789';

/**
 * The context a service would accept from this echoed request: signed for the audience it names
 * (every upstream key is INTERNAL_SECRET here), this method and target, and the body received.
 */
export function contextOf(echo: EchoedRequest): InternalContext | undefined {
  const audience = echo.headers['x-wos-audience'];
  if (typeof audience !== 'string') return undefined;
  const verified = verifyInternalRequest(INTERNAL_SECRET, audience, echo);
  if (!verified || verified.contentSha256 !== sha256Hex(Buffer.from(echo.body))) return undefined;
  const { contentSha256: _digest, ...context } = verified;
  return context;
}

/** A port nothing listens on: bound once by us, then released. */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

export function testConfig(overrides: Record<string, string>): AppConfig {
  return configSchema.parse({
    PORT: '0',
    ADMIN_PORT: '0',
    HOST: '127.0.0.1',
    SECRET_ENCRYPTION_KEYS: SecretBox.generateKeys(),
    LOG_LEVEL: 'silent',
    INTERNAL_AUTH_SECRET: INTERNAL_SECRET,
    INTERNAL_AUTH_PEER_KEYS: Object.keys(UPSTREAM_URL_VARIABLES).map((u) => `${u}=${INTERNAL_SECRET}`).join(','),
    REDIS_URL: testInfra.redisUrl,
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    API_KEY_CACHE_TTL_MS: '200',
    IDEMPOTENCY_TTL_SECONDS: '120',
    ...overrides,
  });
}

/** One migrated database, an echo upstream and a gateway in front of it; `close()` undoes it all. */
export class GatewayHarness {
  readonly upstream = new EchoUpstream();
  readonly redisPrefix = `gwtest:${uniqueSuffix()}:`;
  db!: TestDatabase;
  prisma!: PrismaClient;
  credentials!: CredentialsService;
  gateway!: RunningGateway;
  private pool?: Pool;
  private extraGateways: RunningGateway[] = [];

  async start(label: string, overrides: Record<string, string> = {}): Promise<this> {
    this.db = await createTestDatabase(`api_gateway_${label}`, MIGRATIONS_DIR);
    this.pool = createPgPool(this.db.url, 2);
    this.prisma = new PrismaClient({ adapter: createPrismaAdapter(this.pool) });
    this.credentials = new CredentialsService(new CredentialsRepository(this.prisma));
    await this.upstream.start();
    this.gateway = await this.startGateway(overrides);
    return this;
  }

  /** Another gateway on the same database and upstream, with its own overrides. */
  async startGateway(overrides: Record<string, string> = {}): Promise<RunningGateway> {
    const config = testConfig({
      DATABASE_URL: this.db.url,
      ORGANIZATIONS_URL: this.upstream.url,
      SSO_URL: this.upstream.url,
      IDENTITY_URL: this.upstream.url,
      EVENTS_URL: `http://127.0.0.1:${await closedPort()}`,
      DIRECTORY_SYNC_URL: `http://127.0.0.1:${await closedPort()}`,
      WEBHOOK_DISPATCHER_URL: `http://127.0.0.1:${await closedPort()}`,
      // The services generated from the template: closed too, never whatever listens on their default ports.
      AUDIT_LOGS_URL: this.upstream.url,
      VAULT_URL: `http://127.0.0.1:${await closedPort()}`,
      RADAR_URL: `http://127.0.0.1:${await closedPort()}`,
      AUTHORIZATION_URL: `http://127.0.0.1:${await closedPort()}`,
      REDIS_KEY_PREFIX: this.redisPrefix,
      ...overrides,
    });
    const gw = await startGateway(config, createLogger('api-gateway', 'silent'));
    this.extraGateways.push(gw);
    return gw;
  }

  /** The values of every rate-limit counter this harness's gateways wrote to Redis. */
  async rateLimitCounts(): Promise<number[]> {
    const redis = createRedis(testInfra.redisUrl);
    try {
      const keys = await redis.keys(`${this.redisPrefix}rl:*`);
      return keys.length ? (await redis.mget(...keys)).map(Number) : [];
    } finally {
      redis.disconnect();
    }
  }

  /** A new environment; returns its ID and first API key. */
  async environment(kind: 'test' | 'live' = 'test') {
    const r = await this.credentials.createEnvironment(`env-${uniqueSuffix()}`, kind);
    return { environmentId: r.environment.id, apiKey: r.api_key.value, apiKeyId: r.api_key.id };
  }

  request(path: string, init: RequestInit & { key?: string } = {}, gw: RunningGateway = this.gateway): Promise<Response> {
    const headers = new Headers(init.headers);
    if (init.key) headers.set('authorization', `Bearer ${init.key}`);
    return fetch(`${gw.url}${path}`, { ...init, headers });
  }

  /** A request whose path is sent exactly as given (fetch would normalise dot segments). */
  raw(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: this.gateway.port, method, path, headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  async close(): Promise<void> {
    this.upstream.releaseAll();
    for (const gw of this.extraGateways) await gw.close().catch(() => undefined); // some tests close their own
    await this.upstream.stop();
    await this.prisma?.$disconnect();
    await this.pool?.end();
    const redis = createRedis(testInfra.redisUrl);
    try {
      const keys = await redis.keys(`${this.redisPrefix}*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    await this.db?.drop();
  }
}
