import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService, createLogger } from '@wos/platform';
import { AppModule } from './app.module';
import type { AppConfig } from './config';
import { organizationsOpenApi } from './openapi';

/** Starts the service; main.ts and the integration tests both come through here. */
export function startOrganizationsService(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger('organizations', config.LOG_LEVEL);
  return bootstrapService({
    name: 'organizations',
    module: AppModule.forRoot(config, logger),
    host: config.HOST,
    port: config.PORT,
    logger,
    internalAuthSecret: config.INTERNAL_AUTH_SECRET,
    trustProxy: config.TRUST_PROXY,
    openapi: organizationsOpenApi,
  });
}
