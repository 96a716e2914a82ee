import type { FastifyReply, FastifyRequest } from 'fastify';
import { internalAuthKeyFor, sendError, signInternalRequest } from '@wos/platform';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '@wos/contracts';
import type { Claim } from '../idempotency/idempotency.service';
import { UpstreamError } from '../proxy/proxy.service';
import type { ClientOrigin } from '../proxy/client-address';
import { clientResponseHeaders, upstreamRequestHeaders } from '../proxy/proxy.headers';
import { idempotencyKeeper, type RouteEntry } from '../routing/route.table';
import { handleSettings } from '../settings/settings.controller';
import { handleRateLimitUsage } from '../rate-limit/rate-limit-usage.controller';
import { resolveCaller, type RoutedRequest } from './caller';
import { withoutClientSecret } from './client-secret';
import { corsHeaders, isBrowserRoute, isPreflight, preflightHeaders } from './cors';
import { GatewayErrors, jsonErrorBody, sendGatewayError } from './gateway.replies';
import type { GatewayDeps } from './gateway.route';
import type { NotFoundExplainer } from './not-found';
import { isValidationRequest, type ValidationAnswerCache } from './validation-cache';

/** A routed request: its canonical URL split in path and query, and its client's address. */
export interface Target extends RoutedRequest {
  query: string;
}

export type ForwardDeps = GatewayDeps & { notFound: NotFoundExplainer; validations: ValidationAnswerCache };

/**
 * One request through the edge, in order: public per-IP shedding, CORS preflight, caller,
 * rate limits, client_secret removal, idempotency claim, then the service (or the gateway's own
 * settings) and the answer back.
 */
export async function forward(deps: ForwardDeps, route: RouteEntry, target: Target, origin: ClientOrigin, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (route.auth !== 'api_key' && route.auth !== 'api_key_or_client_id') {
    // From memory only: a client IP over its public limit is refused before any lookup.
    const wait = deps.rateLimit.publicIpExhausted(origin.ip);
    if (wait) return sendGatewayError(reply, GatewayErrors.rateLimited(), { 'retry-after': String(wait) });
  }
  if (isBrowserRoute(route) && isPreflight(req)) {
    const headers = await preflightHeaders(deps.clients, route, target.path, req, origin.ip);
    return headers ? reply.status(204).headers(headers).send() : sendGatewayError(reply, GatewayErrors.corsOriginNotAllowed());
  }

  let resolved;
  try {
    resolved = await resolveCaller(deps, route, target, req, origin);
  } catch (err) {
    deps.logger.error({ err, request_id: req.id }, 'credential lookup failed');
    return sendGatewayError(reply, GatewayErrors.authUnavailable());
  }
  if (resolved.error) {
    const retry = resolved.retryAfterSeconds;
    return sendGatewayError(reply, resolved.error, retry ? { 'retry-after': String(retry) } : {});
  }
  const caller = resolved.caller;
  const key = caller?.key ?? null;
  const limit = await deps.rateLimit.check({
    method: req.method,
    path: target.path,
    query: target.query,
    clientIp: origin.ip,
    environmentId: caller?.environmentId,
    apiKey: key ?? undefined,
    clientId: caller?.clientId,
  });
  if (!limit.allowed) return sendGatewayError(reply, GatewayErrors.rateLimited(), { 'retry-after': String(limit.retryAfterSeconds) });

  const received = Buffer.isBuffer(req.body) ? req.body : undefined;
  // What the service gets: the canonical URL, and never an API key given as client_secret.
  const { url: forwardUrl, body: forwardBody } =
    route.auth === 'api_key_or_client_id' ? withoutClientSecret(target.url, String(req.headers['content-type'] ?? ''), received) : { url: target.url, body: received };

  let claim: Claim | undefined;
  const idempotencyKey = req.headers['idempotency-key'];
  // A repeated validation is answered here (ValidationAnswerCache), after the caller and its limits.
  const validation = key !== null && received !== undefined && idempotencyKey === undefined && deps.validations.enabled && isValidationRequest(req.method, target.path);
  if (validation) {
    const cached = deps.validations.get(key.environmentId, received);
    if (cached) return reply.status(200).header('content-type', 'application/json; charset=utf-8').send(cached);
  }
  const writesBefore = deps.validations.writeCount;
  // Records are scoped by environment, so only API-key callers can have them, and only on creates.
  const keeper = key && idempotencyKey !== undefined ? idempotencyKeeper(req.method, target.path) : undefined;
  if (keeper && (typeof idempotencyKey !== 'string' || !idempotencyKey.length || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
    return sendGatewayError(reply, GatewayErrors.invalidIdempotencyKey());
  }
  const stores = keeper?.keeper === 'gateway' ? keeper.stores : undefined;
  if (key && stores && typeof idempotencyKey === 'string') {
    const decision = await deps.idempotency.begin(key.environmentId, idempotencyKey, req.method, req.url, received);
    if (decision.kind === 'unavailable') return sendGatewayError(reply, GatewayErrors.idempotencyUnavailable(), { 'retry-after': '1' });
    if (decision.kind === 'reused') return sendGatewayError(reply, GatewayErrors.idempotencyKeyReused());
    if (decision.kind === 'in_progress') return sendGatewayError(reply, GatewayErrors.idempotencyInProgress());
    if (decision.kind === 'created') return sendGatewayError(reply, GatewayErrors.idempotencyKeyAlreadyUsed(decision.object, decision.resourceId));
    if (decision.kind === 'replay') {
      const { status, contentType, body: stored } = decision.response;
      if (contentType) void reply.header('content-type', contentType);
      return reply.status(status).header('idempotent-replayed', 'true').send(stored.length ? stored : undefined);
    }
    claim = decision.claim;
  }

  if (route.upstream === 'gateway') {
    try {
      if (caller && (await handleSettings(deps.credentials, caller.environmentId, target.path, req, reply))) return reply;
      if (caller && (await handleRateLimitUsage(deps.rateLimitUsage, caller.environmentId, target.path, target.query, req, reply))) return reply;
    } catch (err) {
      sendError(reply, req, err, deps.logger);
      return reply;
    }
    return sendGatewayError(reply, await deps.notFound.error(req.method, target.path, key !== null));
  }

  // Only the environment's own CORS origins may read a browser route's answer; on the token
  // endpoints they alone may also send and receive the refresh cookies (authkit-js's cookie mode).
  const browserOrigin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
  const corsAllowed = browserOrigin !== undefined && caller?.authKind === 'public_client' && isBrowserRoute(route) && (await deps.clients.corsOriginAllowed(caller.environmentId, browserOrigin));
  const cookiesRefused = route.auth === 'api_key_or_client_id' && browserOrigin !== undefined && !corsAllowed;
  const headers = upstreamRequestHeaders(req.headers, {
    requestId: req.id,
    internal: caller
      ? // Signed for exactly what the service receives: its name, the method, the canonical URL and body.
        signInternalRequest(
          internalAuthKeyFor(deps.config, route.upstream),
          route.upstream,
          caller.environmentId,
          { method: req.method, path: forwardUrl, body: forwardBody },
          { authKind: caller.authKind, clientId: caller.clientId },
        )
      : undefined,
    // An API key never travels past the gateway; other bearer tokens (SCIM, profile) must.
    dropAuthorization: key !== null,
    dropCookies: cookiesRefused,
    clientIp: origin.ip,
    proto: origin.proto,
    host: origin.host,
  });
  if (route.stream) return pipeStream(deps, route, forwardUrl, headers, req, reply);
  let res;
  try {
    res = await deps.proxy.forward(route.upstream, { method: req.method, path: forwardUrl, headers, body: forwardBody, requestId: req.id });
  } catch (err) {
    if (claim) await deps.idempotency.release(claim);
    if (!(err instanceof UpstreamError)) throw err;
    return sendGatewayError(reply, err.kind === 'timeout' ? GatewayErrors.upstreamTimeout() : GatewayErrors.upstreamUnavailable());
  }

  const contentType = headerValue(res.headers['content-type']);
  let out = route.htmlPages && contentType?.startsWith('text/html') ? { contentType, body: res.body } : jsonErrorBody(res.status, contentType, res.body);
  if (isRouteNotFound(res.status, out.body)) {
    const e = await deps.notFound.error(req.method, target.path, key !== null);
    out = { contentType: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify({ message: e.message, code: e.code })) };
  }
  if (claim) await deps.idempotency.complete(claim, { status: res.status, contentType: out.contentType, body: out.body }, stores);
  if (validation) deps.validations.offer(key.environmentId, received, writesBefore, res.status, out.body);
  else if (caller && req.method !== 'GET' && req.method !== 'HEAD' && res.status >= 200 && res.status < 300) deps.validations.changed(caller.environmentId);
  const responseHeaders = clientResponseHeaders(res.headers);
  if (cookiesRefused) delete responseHeaders['set-cookie'];
  void reply.status(res.status).headers(responseHeaders);
  if (out.contentType) void reply.header('content-type', out.contentType);
  if (corsAllowed) void reply.headers(corsHeaders(browserOrigin!));
  return reply.send(out.body.length ? out.body : undefined);
}

/**
 * A streaming route's answer: a 2xx body is piped to the client chunk by chunk as the service
 * writes it (never buffered, never stored for idempotency); an error answer is read whole and
 * gets the same JSON treatment as any other. A client that goes away ends the upstream request.
 */
async function pipeStream(deps: ForwardDeps, route: RouteEntry, url: string, headers: Record<string, string | string[]>, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  let res;
  try {
    res = await deps.proxy.stream(route.upstream as Exclude<RouteEntry['upstream'], 'gateway'>, { method: req.method, path: url, headers, requestId: req.id });
  } catch (err) {
    if (!(err instanceof UpstreamError)) throw err;
    return sendGatewayError(reply, err.kind === 'timeout' ? GatewayErrors.upstreamTimeout() : GatewayErrors.upstreamUnavailable());
  }
  void reply.status(res.status).headers(clientResponseHeaders(res.headers));
  if (res.status >= 200 && res.status < 300) return reply.send(res.body);
  const out = jsonErrorBody(res.status, headerValue(res.headers['content-type']), Buffer.from(await res.body.arrayBuffer()));
  if (out.contentType) void reply.header('content-type', out.contentType);
  return reply.send(out.body.length ? out.body : undefined);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/*
 * A service's router answers an unknown route with `{"message":"Not Found","code":"not_found"}`
 * (libs/platform error-response); a missing entity is `entity_not_found` and keeps its body.
 */
function isRouteNotFound(status: number, body: Buffer): boolean {
  if (status !== 404 || body.length > 200) return false;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown; code?: unknown };
    return parsed.code === 'not_found' && parsed.message === 'Not Found';
  } catch {
    return false;
  }
}
