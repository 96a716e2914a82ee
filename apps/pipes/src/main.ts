import './instrument';
import { Topic } from '@wos/contracts';
import { createLogger, LOOPBACK_WARNING, runMain, startService } from '@wos/platform';
import { consumerGroupId, loadAppConfig } from './config';
import { ConnectionsModule } from './connections/connections.module';
import { PrismaService } from './infra/prisma.service';
import { IntegrationsModule } from './integrations/integrations.module';
import { pipesOpenApi } from './openapi';

/** The OAuth callback is the provider's browser redirect: no API key, the environment is the pending authorization's. */
export const UNSIGNED_PATHS = ['/pipes/oauth/callback'];

runMain(() => {
  const config = loadAppConfig();
  const logger = createLogger('pipes', config.LOG_LEVEL);
  if (config.ALLOW_LOOPBACK_URLS) logger.warn(LOOPBACK_WARNING);
  // Infrastructure comes from the service kit; modules lists only the service's domain.
  return startService({
    name: 'pipes',
    config,
    logger,
    kit: { prisma: PrismaService, outbox: { topics: [Topic.pipes] }, consumer: { groupId: consumerGroupId(config) }, redis: true, secrets: true },
    modules: [IntegrationsModule, ConnectionsModule],
    http: { openapi: pipesOpenApi, unsignedPathPrefixes: UNSIGNED_PATHS },
  });
});
