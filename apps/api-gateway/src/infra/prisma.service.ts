import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { createPrismaAdapter, HealthRegistry } from '@wos/platform';
import { PrismaClient } from '../generated/prisma/client';
import { APP_CONFIG, type AppConfig } from '../config';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) config: AppConfig, health: HealthRegistry) {
    super({ adapter: createPrismaAdapter(config.DATABASE_URL, config.DATABASE_POOL_SIZE) });
    health.add('postgres', () => this.$queryRaw`SELECT 1`);
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
