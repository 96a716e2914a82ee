import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError, type Logger } from '@wos/platform';
import type { AppConfig } from '../config';
import type { ApiKeyAuthService } from '../auth/api-key-auth.service';
import type { ClientAuthService } from '../auth/client-auth.service';
import { isThrottled } from '../auth/credential.cache';
import type { CredentialsService } from '../credentials/credentials.service';
import type { RateLimitService } from '../rate-limit/rate-limit.service';
import type { RateLimitUsageService } from '../rate-limit/rate-limit-usage.service';
import type { IdempotencyService } from '../idempotency/idempotency.service';
import type { ProxyService } from '../proxy/proxy.service';
import type { OpenApiService } from '../openapi/openapi.service';
import { createRouteMatcher } from '../routing/route.table';
import { GatewayErrors, sendGatewayError } from './gateway.replies';
import { NotFoundExplainer } from './not-found';
import { forward, type Target } from './forward';
import { ValidationAnswerCache } from './validation-cache';

/* Other methods (TRACE, QUERY, WebDAV's) are not part of the API: Nest's not-found handler
 * answers them with a JSON 404. */
const PROXIED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/* Platform plumbing that only the admin port serves (review L8): readiness names the gateway's
 * dependencies, and metrics expose traffic. /health (a bare "ok") stays public for load balancers. */
const ADMIN_ONLY = new Set(['/ready', '/metrics']);

export interface GatewayDeps {
  config: AppConfig;
  logger: Logger;
  auth: ApiKeyAuthService;
  clients: ClientAuthService;
  credentials: CredentialsService;
  rateLimit: RateLimitService;
  rateLimitUsage: RateLimitUsageService;
  idempotency: IdempotencyService;
  proxy: ProxyService;
  openapi: OpenApiService;
}

/**
 * The public API as one raw Fastify catch-all route instead of Nest controllers: every request
 * passes through here, so it skips Nest's per-request guard, interceptor and pipe machinery and
 * touches the body only as the raw bytes it forwards.
 */
export function registerGatewayRoutes(fastify: FastifyInstance, deps: GatewayDeps): void {
  // The platform's JSON parser is replaced: the gateway forwards bodies byte for byte, whatever
  // their content type, and never parses them (idempotency fingerprints hash the raw bytes).
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // Once closing, responses end their keep-alive connection: otherwise a client's idle
  // connection would hold the server open until keepAliveTimeout (65 s) after in-flight requests end.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    // Streams never finish on their own; ended here, their clients reconnect to another replica.
    deps.proxy.endStreams();
    done();
  });
  fastify.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  fastify.addHook('onRequest', (req, reply, done) => {
    const q = req.url.indexOf('?');
    const path = q === -1 ? req.url : req.url.slice(0, q);
    if (ADMIN_ONLY.has(path)) return void sendGatewayError(reply, GatewayErrors.notFound(path));
    done();
  });

  fastify.get('/openapi.json', async (_req, reply) => reply.type('application/json').send(await deps.openapi.document()));
  const matcher = createRouteMatcher();
  const notFound = new NotFoundExplainer(deps.openapi, matcher);
  const context = { ...deps, notFound, validations: new ValidationAnswerCache(deps.config.API_KEY_VALIDATION_CACHE_MS) };
  // A route-level error handler, because Nest replaces the instance's at init and would turn
  // Fastify's body errors (413, 415) into generic ones; sendError keeps their WorkOS codes.
  const errorHandler = (err: Error, req: FastifyRequest, reply: FastifyReply) => sendError(reply, req, err, deps.logger);
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const origin = deps.config.TRUSTED_PROXY_CIDRS.origin(req.socket.remoteAddress ?? '', req.headers, 'encrypted' in req.socket && Boolean(req.socket.encrypted));
    let target = targetOf(req.url, origin.ip);
    const resolved = matcher.resolve(req.method, target.path, target.query);
    if ('ambiguousParameter' in resolved) return sendGatewayError(reply, GatewayErrors.ambiguousParameter(resolved.ambiguousParameter));
    const aliasOf = resolved.rewritten !== undefined ? target.path : undefined;
    if (resolved.rewritten !== undefined) target = targetOf(resolved.rewritten, origin.ip);
    const route = resolved.route;
    if (!route) return sendGatewayError(reply, await notFound.error(req.method, target.path, await hasValidKey(deps, req, origin.ip), aliasOf));
    return forward(context, route, target, origin, req, reply);
  };
  fastify.route({ method: PROXIED_METHODS, url: '/*', bodyLimit: deps.config.BODY_LIMIT_BYTES, errorHandler, handler });
}

function targetOf(url: string, clientIp: string): Target {
  const q = url.indexOf('?');
  return { url, path: q === -1 ? url : url.slice(0, q), query: q === -1 ? '' : url.slice(q + 1), clientIp };
}

/** Whether a request that matched no route carries a working API key (its 404 may then suggest API-key routes). */
async function hasValidKey(deps: GatewayDeps, req: FastifyRequest, clientIp: string): Promise<boolean> {
  if (!req.headers.authorization) return false;
  try {
    const key = await deps.auth.authenticate(req.headers.authorization, clientIp);
    return Boolean(key) && !isThrottled(key);
  } catch {
    return false; // the credential store is down: a 404 without API-key suggestions
  }
}
