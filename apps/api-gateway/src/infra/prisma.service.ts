import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { createPgPool, createPrismaAdapter, HealthRegistry } from '@wos/platform';
import { PrismaClient } from '../generated/prisma/client';
import { APP_CONFIG, type AppConfig } from '../config';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  private readonly pool: Pool;

  constructor(@Inject(APP_CONFIG) config: AppConfig, health: HealthRegistry) {
    const pool = createPgPool(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
    super({ adapter: createPrismaAdapter(pool) });
    this.pool = pool;
    health.add('postgres', () => this.pool.query('SELECT 1'));
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    await this.pool.end().catch(() => undefined);
  }
}
