import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService, createLogger, type Logger } from '@wos/platform';
import { AppModule } from './app.module';
import type { AppConfig } from './config';
import { webhooksOpenApi } from './openapi';

/** Starts the service; main.ts and the tests both come through here. */
export function startWebhookDispatcher(config: AppConfig, logger: Logger = createLogger('webhook-dispatcher', config.LOG_LEVEL)): Promise<NestFastifyApplication> {
  return bootstrapService({
    name: 'webhook-dispatcher',
    module: AppModule.forRoot(config, logger),
    host: config.HOST,
    port: config.PORT,
    logger,
    internalAuthSecret: config.INTERNAL_AUTH_SECRET,
    trustProxy: config.TRUST_PROXY,
    openapi: webhooksOpenApi,
  });
}
