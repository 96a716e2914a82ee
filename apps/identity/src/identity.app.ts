import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { acceptFormBodies, bootstrapService, createLogger } from '@wos/platform';
import { AppModule } from './app.module';
import type { AppConfig } from './config';
import { identityOpenApi } from './openapi';

/** Paths the gateway forwards unsigned: the service authenticates them itself (the inbox is development only). */
export const UNSIGNED_PATHS = ['/user_management/sso/callback', '/user_management/sessions/logout', '/dev/mail'];

/** Starts the service; main.ts and the integration tests both come through here. */
export function startIdentityService(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger('identity', config.LOG_LEVEL);
  return bootstrapService({
    name: 'identity',
    module: AppModule.forRoot(config, logger),
    host: config.HOST,
    port: config.PORT,
    logger,
    internalAuthSecret: config.INTERNAL_AUTH_SECRET,
    trustProxy: config.TRUST_PROXY,
    unsignedPathPrefixes: UNSIGNED_PATHS,
    openapi: identityOpenApi,
    // The hosted sign-in form posts form-encoded bodies.
    configure: (fastify) => acceptFormBodies(fastify, ['/user_management/authorize']),
  });
}
