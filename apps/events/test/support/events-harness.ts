import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { buildEvent, createKafka, createLogger, internalFetch, newId, type Logger } from '@wos/platform';
import { createTestDatabase, startGroupAtTopicEnds, testInfra, uniqueSuffix, type TestDatabase } from '@wos/platform/testing';
import type { EventEnvelope, OrganizationWire } from '@wos/contracts';
import { configSchema, type AppConfig } from '../../src/config';
import { startEventsService } from '../../src/server';
import { EventsService } from '../../src/events/events.service';
import { toNewEvent } from '../../src/events/stored-event.dto';
import { PruneProcessor } from '../../src/retention/jobs/prune.processor';

export const SECRET = 'events-test-internal-secret';
export const APP_DIR = join(__dirname, '..', '..', '..');
export const MIGRATIONS_DIR = join(APP_DIR, 'prisma', 'migrations');
export const SCHEMA_PATH = join(APP_DIR, 'prisma', 'schema.prisma');

/* A logical Redis database of its own, so removing the test queue never touches a running stack's. */
function testRedisUrl(): string {
  const u = new URL(testInfra.redisUrl);
  u.pathname = '/14';
  return u.toString();
}

export function testLogger(name = 'events-test'): Logger {
  return createLogger(name, process.env.TEST_LOG_LEVEL ?? 'error');
}

export interface RunningService {
  app: NestFastifyApplication;
  baseUrl: string;
  config: AppConfig;
  db: TestDatabase;
  close(): Promise<void>;
}

/**
 * The events service in-process on a free port, with its own database and consumer group
 * (`consume: false`: no consumer, so only the test writes to its database).
 */
export async function startTestService(label: string, env: Record<string, string> = {}, opts: { consume?: boolean } = {}): Promise<RunningService> {
  const db = await createTestDatabase(`events_${label}`, MIGRATIONS_DIR);
  const config = configSchema.parse({
    PORT: '0',
    INTERNAL_AUTH_SECRET: SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '4',
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    REDIS_URL: testRedisUrl(),
    KAFKA_GROUP_ID: `events-test-${label}-${uniqueSuffix()}`,
    ...env,
  });
  // Its consumer reads what the test produces, not the shared broker's history.
  if (opts.consume !== false) await startGroupAtTopicEnds(testInfra.kafkaBrokers, config.KAFKA_GROUP_ID);
  const app = await startEventsService(config, testLogger(), opts);
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    db,
    async close() {
      await app.get(PruneProcessor).queue.obliterate({ force: true });
      await app.close();
      if (opts.consume !== false) await deleteConsumerGroup(config.KAFKA_GROUP_ID);
      await db.drop();
    },
  };
}

async function deleteConsumerGroup(groupId: string): Promise<void> {
  const admin = createKafka({ brokers: testInfra.kafkaBrokers, clientId: 'events-test-admin', logger: testLogger() }).admin();
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]);
  } finally {
    await admin.disconnect();
  }
}

export function testEnvironmentId(name: string): string {
  return `environment_test_${name}_${uniqueSuffix()}`;
}

export async function getEvents(svc: RunningService, environmentId: string, query: string): Promise<{ status: number; body: any }> {
  const res = await internalFetch(`${svc.baseUrl}/events${query ? `?${query}` : ''}`, { key: SECRET, audience: 'events', environmentId });
  return { status: res.status, body: await res.json() };
}

/** Stores envelopes the way the consumer does, without Kafka. */
export async function seed(svc: RunningService, envelopes: EventEnvelope[]): Promise<void> {
  await svc.app.get(EventsService).record(envelopes.map((e) => toNewEvent(e)!));
}

export function organization(name: string, id = newId('org')): OrganizationWire {
  const now = new Date().toISOString();
  return { object: 'organization', id, name, allow_profiles_outside_organization: false, domains: [], external_id: null, metadata: {}, created_at: now, updated_at: now };
}

/** An organization event, optionally dated in the past. */
export function orgEvent(
  type: 'organization.created' | 'organization.updated' | 'organization.deleted',
  environmentId: string,
  org: OrganizationWire,
  createdAt?: Date,
): EventEnvelope {
  const e = buildEvent(type, org, environmentId);
  return createdAt ? { ...e, created_at: createdAt.toISOString() } : e;
}

export function daysAgo(days: number): Date {
  return new Date(Date.now() - days * 24 * 3600_000);
}
