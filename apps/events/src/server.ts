import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService, createLogger, type Logger } from '@wos/platform';
import { AppModule } from './app.module';
import type { AppConfig } from './config';
import { eventsOpenApi } from './openapi';

/** Starts the events service; main.ts calls it, and tests run it in-process and close it. */
export function startEventsService(config: AppConfig, logger: Logger = createLogger('events', config.LOG_LEVEL)): Promise<NestFastifyApplication> {
  return bootstrapService({
    name: 'events',
    module: AppModule.forRoot(config, logger),
    host: config.HOST,
    port: config.PORT,
    logger,
    internalAuthSecret: config.INTERNAL_AUTH_SECRET,
    trustProxy: config.TRUST_PROXY,
    openapi: eventsOpenApi,
  });
}
