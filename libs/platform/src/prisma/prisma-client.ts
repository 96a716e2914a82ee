import { PrismaPg } from '@prisma/adapter-pg';

/**
 * The adapter every service hands to its generated PrismaClient (the Rust-free client).
 * Pool size comes from DATABASE_POOL_SIZE.
 */
export function createPrismaAdapter(databaseUrl: string, poolSize: number): PrismaPg {
  return new PrismaPg({ connectionString: databaseUrl, max: poolSize });
}
