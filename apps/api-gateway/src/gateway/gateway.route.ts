import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { internalAuthKeyFor, sendError, signInternalRequest, type Logger } from '@wos/platform';
import type { AppConfig } from '../config';
import type { ApiKeyAuthService } from '../auth/api-key-auth.service';
import type { ClientAuthService } from '../auth/client-auth.service';
import type { RateLimitService } from '../rate-limit/rate-limit.service';
import { MAX_IDEMPOTENCY_KEY_LENGTH, type IdempotencyService } from '../idempotency/idempotency.service';
import { UpstreamError, type ProxyService } from '../proxy/proxy.service';
import type { OpenApiService } from '../openapi/openapi.service';
import { clientResponseHeaders, upstreamRequestHeaders } from '../proxy/proxy.headers';
import { createRouteMatcher, UPSTREAM_URL_VARIABLES, type RouteEntry, type UpstreamName } from '../routing/route.table';
import { GatewayErrors, jsonErrorBody, sendGatewayError } from './gateway.replies';
import { resolveCaller } from './caller';

/* Other methods (TRACE, QUERY, WebDAV's) are not part of the API: Nest's not-found handler
 * answers them with a JSON 404. */
const PROXIED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export interface GatewayDeps {
  config: AppConfig;
  logger: Logger;
  auth: ApiKeyAuthService;
  clients: ClientAuthService;
  rateLimit: RateLimitService;
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
  // Each service verifies with its own key; the gateway holds every upstream's (fails at boot if one is missing).
  const upstreamKeys = new Map(Object.keys(UPSTREAM_URL_VARIABLES).map((u) => [u as UpstreamName, internalAuthKeyFor(deps.config, u)]));
  // The platform's JSON parser is replaced: the gateway forwards bodies byte for byte, whatever
  // their content type, and never parses them (idempotency fingerprints hash the raw bytes).
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // Once closing, responses end their keep-alive connection: otherwise a client's idle
  // connection would hold the server open until keepAliveTimeout (65 s) after in-flight requests end.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });

  fastify.get('/openapi.json', async (_req, reply) => reply.type('application/json').send(await deps.openapi.document()));
  const matcher = createRouteMatcher();
  // A route-level error handler, because Nest replaces the instance's at init and would turn
  // Fastify's body errors (413, 415) into generic ones; sendError keeps their WorkOS codes.
  const errorHandler = (err: Error, req: FastifyRequest, reply: FastifyReply) => sendError(reply, req, err, deps.logger);
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.url.indexOf('?');
    const path = q === -1 ? req.url : req.url.slice(0, q);
    const route = matcher.match(path);
    if (!route) return sendGatewayError(reply, GatewayErrors.notFound(path));
    return handle(deps, upstreamKeys.get(route.upstream)!, route, path, req, reply);
  };
  fastify.route({ method: PROXIED_METHODS, url: '/*', bodyLimit: deps.config.BODY_LIMIT_BYTES, errorHandler, handler });
}

async function handle(deps: GatewayDeps, upstreamKey: string, route: RouteEntry, path: string, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  let resolved;
  try {
    resolved = await resolveCaller(deps, route, path, req);
  } catch (err) {
    deps.logger.error({ err, request_id: req.id }, 'credential lookup failed');
    return sendGatewayError(reply, GatewayErrors.authUnavailable());
  }
  if (resolved.error) return sendGatewayError(reply, resolved.error);
  const caller = resolved.caller;
  const key = caller?.key ?? null;
  if (key) {
    const limit = await deps.rateLimit.check(key, req.method, path);
    if (!limit.allowed) return sendGatewayError(reply, GatewayErrors.rateLimited(), { 'retry-after': String(limit.retryAfterSeconds) });
  }

  const body = Buffer.isBuffer(req.body) ? req.body : undefined;
  let claim: { redisKey: string; fingerprint: string } | undefined;
  const idempotencyKey = req.headers['idempotency-key'];
  // Records are scoped by environment, so only authenticated routes can have them.
  if (key && req.method === 'POST' && idempotencyKey !== undefined) {
    if (typeof idempotencyKey !== 'string' || !idempotencyKey.length || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      return sendGatewayError(reply, GatewayErrors.invalidIdempotencyKey(MAX_IDEMPOTENCY_KEY_LENGTH));
    }
    const decision = await deps.idempotency.begin(key.environmentId, idempotencyKey, req.method, req.url, body);
    if (decision.kind === 'reused') return sendGatewayError(reply, GatewayErrors.idempotencyKeyReused());
    if (decision.kind === 'in_progress') return sendGatewayError(reply, GatewayErrors.idempotencyInProgress());
    if (decision.kind === 'replay') {
      const { status, contentType, body: stored } = decision.response;
      if (contentType) void reply.header('content-type', contentType);
      return reply.status(status).header('idempotent-replayed', 'true').send(stored.length ? stored : undefined);
    }
    claim = decision.claim;
  }

  const headers = upstreamRequestHeaders(req.headers, {
    requestId: req.id,
    internal: caller
      ? signInternalRequest(upstreamKey, route.upstream, caller.environmentId, { method: req.method, path: req.url, body }, { authKind: caller.authKind, clientId: caller.clientId })
      : undefined,
    // An API key never travels past the gateway; other bearer tokens (SCIM, profile) must.
    dropAuthorization: key !== null,
    clientIp: req.socket.remoteAddress ?? '',
    proto: req.protocol,
    host: req.headers.host,
  });
  let res;
  try {
    res = await deps.proxy.forward(route.upstream, { method: req.method, path: req.url, headers, body, requestId: req.id });
  } catch (err) {
    if (claim) await deps.idempotency.release(claim);
    if (!(err instanceof UpstreamError)) throw err;
    return sendGatewayError(reply, err.kind === 'timeout' ? GatewayErrors.upstreamTimeout() : GatewayErrors.upstreamUnavailable());
  }

  const out = jsonErrorBody(res.status, headerValue(res.headers['content-type']), res.body);
  if (claim) await deps.idempotency.complete(claim, { status: res.status, contentType: out.contentType, body: out.body });
  void reply.status(res.status).headers(clientResponseHeaders(res.headers));
  if (out.contentType) void reply.header('content-type', out.contentType);
  return reply.send(out.body.length ? out.body : undefined);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
