import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { bootstrapService, createLogger, sendError, UnauthorizedError, verifyInternalContext, type Logger } from '@wos/platform';
import { AppModule } from './app.module';
import type { AppConfig } from './config';
import { directorySyncOpenApi } from './openapi';
import { ScimError } from './scim-core/scim-errors';
import { DirectorySyncExceptionFilter, SCIM_PREFIX, sendScimError } from './scim/scim-exception.filter';

const PLUMBING = new Set(['/health', '/ready', '/metrics', '/openapi.json']);

/** Starts the service; main.ts and the integration tests both come through here. */
export function startDirectorySyncService(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger('directory-sync', config.LOG_LEVEL);
  return bootstrapService({
    name: 'directory-sync',
    module: AppModule.forRoot(config, logger),
    host: config.HOST,
    port: config.PORT,
    logger,
    // Not passed to the platform: /scim is reached unsigned (gateway auth 'none') and
    // authenticates with directory bearer tokens, so the signed context is checked below for
    // every other route instead.
    internalAuthSecret: undefined,
    openapi: directorySyncOpenApi,
    // An over-long or malformed SCIM path is still answered in the SCIM error schema.
    sendFrameworkError: (reply, req, err) => (req.url.startsWith(SCIM_PREFIX) ? sendScimError(reply, req, err, logger) : sendError(reply, req, err, logger)),
    configure: (fastify, app) => configure(fastify, app, config, logger),
  });
}

function configure(fastify: FastifyInstance, app: NestFastifyApplication, config: AppConfig, logger: Logger): void {
  fastify.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (PLUMBING.has(path) || path.startsWith(SCIM_PREFIX)) return;
    const env = verifyInternalContext(config.INTERNAL_AUTH_SECRET, req.headers);
    if (!env) return sendError(reply, req, new UnauthorizedError('Missing or invalid internal environment context.'), logger);
    req.environmentId = env;
  });

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
