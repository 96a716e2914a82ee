import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { Topic } from '@wos/contracts';
import { createLogger, sendError, startService, type Logger } from '@wos/platform';
import { consumerGroupId, type AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { DirectoriesModule } from './directories/directories.module';
import { ScimModule } from './scim/scim.module';
import { DirectoryUsersModule } from './directory-users/directory-users.module';
import { DirectoryGroupsModule } from './directory-groups/directory-groups.module';
import { PortalViewModule } from './portal-view/portal-view.module';
import { directorySyncOpenApi } from './openapi';
import { ScimError } from './scim-core/scim-errors';
import { DirectorySyncExceptionFilter, SCIM_PREFIX, sendScimError } from './scim/scim-exception.filter';

/** Starts the service; main.ts and the integration tests both come through here. */
export function startDirectorySyncService(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger('directory-sync', config.LOG_LEVEL);
  return startService({
    name: 'directory-sync',
    config,
    logger,
    kit: { prisma: PrismaService, outbox: { topics: [Topic.directorySync] }, consumer: { groupId: consumerGroupId(config) } },
    modules: [DirectoriesModule, ScimModule, DirectoryUsersModule, DirectoryGroupsModule, PortalViewModule],
    http: {
      // /scim is reached unsigned (gateway auth 'none') and authenticates with directory bearer
      // tokens; its environment comes from the directory row, never from a header.
      unsignedPathPrefixes: [SCIM_PREFIX.replace(/\/$/, '')],
      openapi: directorySyncOpenApi,
      // An over-long or malformed SCIM path is still answered in the SCIM error schema.
      sendFrameworkError: (reply, req, err) => (req.url.startsWith(SCIM_PREFIX) ? sendScimError(reply, req, err, logger) : sendError(reply, req, err, logger)),
      configure: (fastify, app) => configure(fastify, app, config, logger),
    },
  });
}

function configure(fastify: FastifyInstance, app: NestFastifyApplication, config: AppConfig, logger: Logger): void {
  // IdPs send application/scim+json (RFC 7644 §3.1); it is JSON with the same parsing rules.
  const json = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser(['application/scim+json'], { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    json(req, text, (err, value) => (err ? done(ScimError.badRequest('invalidSyntax', 'The request body is not valid JSON.') as never, undefined) : done(null, value)));
  });

  // SCIM answers are application/scim+json unless the client asked only for application/json.
  fastify.addHook('onSend', async (req, reply, payload) => {
    if (!req.url.startsWith(SCIM_PREFIX)) return payload;
    const accept = req.headers.accept ?? '';
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('application/json') && !(accept.includes('application/json') && !accept.includes('application/scim+json'))) {
      void reply.header('content-type', 'application/scim+json; charset=utf-8');
    }
    return payload;
  });

  app.useGlobalFilters(new DirectorySyncExceptionFilter(logger));
}
