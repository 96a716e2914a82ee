import { Inject, Injectable } from '@nestjs/common';
import { HealthRegistry, pooledPrismaClient } from '@wos/platform';
import { PrismaClient } from '../generated/prisma/client';
import { APP_CONFIG, type AppConfig } from '../config';

@Injectable()
export class PrismaService extends pooledPrismaClient(PrismaClient) {
  constructor(@Inject(APP_CONFIG) config: AppConfig, health: HealthRegistry) {
    super(config.DATABASE_URL, config.DATABASE_POOL_SIZE, health);
  }
}
