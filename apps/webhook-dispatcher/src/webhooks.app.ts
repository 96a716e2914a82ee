import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService, createLogger, LOOPBACK_WARNING, type Logger } from '@wos/platform';
import { AppModule } from './app.module';
import type { AppConfig } from './config';
import { webhooksOpenApi } from './openapi';

/** Starts the service; main.ts and the tests both come through here. */
export function startWebhookDispatcher(config: AppConfig, logger: Logger = createLogger('webhook-dispatcher', config.LOG_LEVEL)): Promise<NestFastifyApplication> {
  if (config.ALLOW_LOOPBACK_URLS) logger.warn(LOOPBACK_WARNING);
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
