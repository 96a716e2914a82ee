import { AsyncLocalStorage } from 'node:async_hooks';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type Client } from 'pg';
import { dbStatements } from '../http/metrics';

/**
 * A pg pool sized by DATABASE_POOL_SIZE. Its owner ends it on shutdown (Prisma does not end a
 * pool it was given). A connection that dies (a Postgres restart, pg_terminate_backend) must not
 * crash the process, idle or checked out: pg-pool listens for errors on idle clients only, and a
 * checked-out client's 'error' event with no listener is an uncaught exception (found by the chaos
 * suite, docs/reliability.md). So every client gets a listener of its own: the failing query
 * still rejects, and the pool discards the broken client when it is released.
 */
export function createPgPool(databaseUrl: string, poolSize: number): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    countStatements(client, 'pool');
  });
  return pool;
}

/**
 * Set while a consumer's handlers apply consumed events (KafkaEventTransport): their pool
 * statements count as source="consumer", apart from what requests and background loops send.
 */
export const statementsOfConsumers = new AsyncLocalStorage<true>();

/**
 * Counts every statement `client` sends in db_statements_total{source} (pool.query and Prisma's
 * queries, transactions' BEGIN and COMMIT included, all go through a client's query()).
 */
export function countStatements(client: Pick<Client, 'query'>, source: 'pool' | 'outbox_relay'): void {
  const counter = dbStatements.labels(source);
  const consumer = dbStatements.labels('consumer');
  const query = client.query;
  client.query = function countedQuery(this: Client, ...args: unknown[]) {
    (statementsOfConsumers.getStore() ? consumer : counter).inc();
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as Client['query'];
}

/**
 * The adapter every service hands to its generated PrismaClient (the Rust-free client). Built
 * on the service's own pg pool, so a repository's hand-written hot-path SQL and Prisma share
 * one set of connections.
 */
export function createPrismaAdapter(pool: Pool): PrismaPg {
  return new PrismaPg(pool);
}
