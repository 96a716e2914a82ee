import type { PrismaPg } from '@prisma/adapter-pg';
import type { Pool } from 'pg';
import type { HealthRegistry } from '../http/health';
import { createPgPool, createPrismaAdapter } from './prisma-client';

interface PrismaLike {
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
}

export interface PooledPrisma {
  /** The pool under Prisma, for the few hot-path statements a repository writes by hand. */
  readonly pool: Pool;
  onModuleInit(): Promise<void>;
  onApplicationShutdown(): Promise<void>;
}

/**
 * Gives an app's generated PrismaClient the platform's lifecycle: a pg pool of its own (also
 * exposed for hand-written hot-path SQL), a `postgres` readiness check, connect at start, and
 * disconnect plus pool end at application shutdown, after the HTTP server and every consumer
 * have stopped.
 */
export function pooledPrismaClient<C extends PrismaLike>(
  Client: new (options: { adapter: PrismaPg }) => C,
): new (databaseUrl: string, poolSize: number, health: HealthRegistry) => C & PooledPrisma {
  const Base = Client as unknown as new (options: { adapter: PrismaPg }) => PrismaLike;
  class Pooled extends Base implements PooledPrisma {
    readonly pool: Pool;

    constructor(databaseUrl: string, poolSize: number, health: HealthRegistry) {
      const pool = createPgPool(databaseUrl, poolSize);
      super({ adapter: createPrismaAdapter(pool) });
      this.pool = pool;
      health.add('postgres', () => pool.query('SELECT 1'));
    }

    async onModuleInit(): Promise<void> {
      await this.$connect();
    }

    async onApplicationShutdown(): Promise<void> {
      await this.$disconnect();
      await this.pool.end().catch(() => undefined);
    }
  }
  return Pooled as unknown as new (databaseUrl: string, poolSize: number, health: HealthRegistry) => C & PooledPrisma;
}
