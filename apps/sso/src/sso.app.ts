import { parse } from 'node:querystring';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Topic } from '@wos/contracts';
import { createLogger, LOOPBACK_WARNING, QueueName, startService } from '@wos/platform';
import { consumerGroupId, type AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { ConnectionsModule } from './connections/connections.module';
import { CertificatesModule } from './certificates/certificates.module';
import { SignInModule } from './signin/signin.module';
import { LogoutModule } from './logout/logout.module';
import { ssoOpenApi } from './openapi';

/**
 * Paths the gateway forwards unsigned (route auth `none`): each authenticates its caller itself
 * (a signed SAML response, a one-time state, a profile token) and takes the environment from
 * its own data.
 */
export const UNSIGNED_PATHS = ['/sso/saml/acs', '/sso/saml/metadata', '/sso/oidc/callback', '/sso/profile', '/sso/logout'];

/** The gateway's client-ID routes to sso; every other path refuses a public client before routing (bootstrapService). */
export const PUBLIC_CLIENT_PATHS = ['/sso/authorize', '/sso/token'];

/** Starts the service; main.ts and the integration tests both come through here. */
export function startSsoService(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger('sso', config.LOG_LEVEL);
  if (config.ALLOW_LOOPBACK_URLS) logger.warn(LOOPBACK_WARNING);
  return startService({
    name: 'sso',
    config,
    logger,
    kit: { prisma: PrismaService, outbox: { topics: [Topic.sso] }, consumer: { groupId: consumerGroupId(config) }, redis: true, secrets: true, queues: [QueueName.SsoCertificateScan] },
    modules: [ConnectionsModule, CertificatesModule, SignInModule, LogoutModule],
    http: {
      unsignedPathPrefixes: UNSIGNED_PATHS,
      publicClientPathPrefixes: PUBLIC_CLIENT_PATHS,
      openapi: ssoOpenApi,
      configure: (fastify) => {
        // SAML POST binding and the node SDK's /sso/token both send form bodies.
        fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => {
          done(null, { ...parse(body as string) });
        });
      },
    },
  });
}
