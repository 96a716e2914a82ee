import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';

/**
 * A pg pool sized by DATABASE_POOL_SIZE. Its owner ends it on shutdown (Prisma does not end a
 * pool it was given). An idle connection that dies (a Postgres restart) must not crash the
 * process: the error is swallowed here and the next checkout opens a fresh connection.
 */
export function createPgPool(databaseUrl: string, poolSize: number): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
  pool.on('error', () => undefined);
  return pool;
}

/**
 * The adapter every service hands to its generated PrismaClient (the Rust-free client). Built
 * on the service's own pg pool, so a repository's hand-written hot-path SQL and Prisma share
 * one set of connections.
 */
export function createPrismaAdapter(pool: Pool): PrismaPg {
  return new PrismaPg(pool);
}
