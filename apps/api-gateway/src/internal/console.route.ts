import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, EMPTY_SHA256, toFieldErrors, verifyInternalRequest } from '@wos/platform';
import type { AppConfig } from '../config';
import type { CredentialsService } from '../credentials/credentials.service';
import type { RateLimitUsageService } from '../rate-limit/rate-limit-usage.service';
import { rateLimitUsageQuerySchema } from '../rate-limit/rate-limit-usage.dto';
import { GatewayErrors, sendGatewayError } from '../gateway/gateway.replies';

/** Kept in step with the dashboard's `CONSOLE_PATH` (apps/dashboard/src/upstream/gateway-console.client.ts). */
export const CONSOLE_PATH = '/_internal/console';

/**
 * The environment a caller signs for the routes about environments themselves (list, create,
 * the built-in one): no environment is in scope there. Every other console route answers only
 * about the environment the caller signed, and refuses this scope.
 */
export const ALL_ENVIRONMENTS_SCOPE = '*';

const bounded = (max: number) => z.string().trim().min(1).max(max);
const NAME = z.object({ name: bounded(100) });

type Handler = (environmentId: string, query: Record<string, unknown>, params: Record<string, string>) => Promise<unknown>;

/**
 * The Dashboard's settings routes over the gateway's own tables (DESIGN.md rule 1: the gateway
 * owns environments, API keys, client IDs, redirect URIs and CORS origins), and its rate-limit
 * usage counts (read through RateLimitUsageService, as GET /usage/rate_limits reads them). Invariants:
 * - a request must carry a fresh signature made with the gateway's internal-auth key;
 * - every parameter travels in the signed path and query, never in a body (the signature's body
 *   digest must be the empty one's, and no body is read), so nothing unsigned can steer a write;
 * - per-environment routes act only in the signed environment; the environment routes require
 *   the `*` scope, so a context signed for one environment cannot list or create others.
 * Limit: the MAC names the target, not the caller, so any service holding the gateway's key
 * (identity, the dashboard; INTERNAL_CALLS) could call these routes.
 */
export function registerConsoleRoutes(fastify: FastifyInstance, deps: { config: AppConfig; credentials: CredentialsService; rateLimitUsage: RateLimitUsageService }): void {
  const route = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, scope: 'all' | 'environment', handler: Handler, status = 200) =>
    fastify.route({
      method,
      url: `${CONSOLE_PATH}${path}`,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const context = verifyInternalRequest(deps.config.INTERNAL_AUTH_SECRET, 'api-gateway', { method: req.method, url: req.url, headers: req.headers });
        if (!context || context.contentSha256 !== EMPTY_SHA256) return sendGatewayError(reply, GatewayErrors.unauthorized());
        const all = context.environmentId === ALL_ENVIRONMENTS_SCOPE;
        if (all !== (scope === 'all')) return sendGatewayError(reply, GatewayErrors.unauthorized());
        try {
          const answer = await handler(context.environmentId, req.query as Record<string, unknown>, req.params as Record<string, string>);
          return reply.status(status).type('application/json').send(answer ?? {});
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          return reply.status(err.status).type('application/json').send({ message: err.message, code: err.code, ...err.extra });
        }
      },
    });
  const svc = deps.credentials;

  route('GET', '/environments', 'all', async () => ({ data: await svc.listEnvironments() }));
  route('POST', '/environments', 'all', async (_e, q) => {
    const { name, kind } = parse(NAME.extend({ kind: z.enum(['test', 'live']).default('test') }), q);
    const r = await svc.createEnvironment(name, kind);
    return { environment: r.environment, api_key: r.api_key, client_id: r.client_id };
  }, 201);
  route('POST', '/builtin_environment', 'all', async (_e, q) => svc.ensureBuiltinEnvironment(parse(z.object({ redirect_uri: bounded(2048) }), q).redirect_uri));

  route('GET', '/api_keys', 'environment', async (env) => ({ data: await svc.listApiKeys(env) }));
  route('POST', '/api_keys', 'environment', async (env, q) => svc.createApiKey(env, { name: parse(NAME, q).name }), 201);
  route('POST', '/api_keys/:id/revoke', 'environment', async (env, _q, p) => svc.revokeApiKeyIn(env, p.id!));

  route('GET', '/client_ids', 'environment', async (env) => ({ data: await svc.listClientIds(env) }));
  route('POST', '/client_ids', 'environment', async (env) => svc.createClientId(env), 201);

  route('GET', '/redirect_uris', 'environment', async (env) => ({ data: await svc.listRedirectUris(env) }));
  route('POST', '/redirect_uris', 'environment', async (env, q) => svc.registerRedirectUri(env, parse(z.object({ uri: bounded(2048) }), q).uri), 201);
  route('DELETE', '/redirect_uris/:id', 'environment', async (env, _q, p) => svc.removeRedirectUriById(env, p.id!));

  route('GET', '/cors_origins', 'environment', async (env) => ({ data: await svc.listCorsOrigins(env) }));
  route('POST', '/cors_origins', 'environment', async (env, q) => svc.registerCorsOrigin(env, parse(z.object({ origin: bounded(2048) }), q).origin), 201);
  route('DELETE', '/cors_origins/:id', 'environment', async (env, _q, p) => svc.removeCorsOriginById(env, p.id!));

  route('GET', '/app_homepage_url', 'environment', async (env) => svc.appHomepageUrl(env));
  route('PUT', '/app_homepage_url', 'environment', async (env, q) => svc.setAppHomepageUrl(env, parse(z.object({ url: bounded(2048) }), q).url));

  // The public GET /usage/rate_limits for a console session (which holds no API key): the same
  // service and query schema, the same answer, the signed environment's counts only.
  route('GET', '/rate_limits', 'environment', async (env, q) => {
    const data = await deps.rateLimitUsage.read(env, parse(rateLimitUsageQuerySchema, q).minutes);
    if (!data) throw new DomainError(503, 'service_unavailable', GatewayErrors.usageUnavailable().message);
    return { object: 'list', data, list_metadata: { before: null, after: null } };
  });
}

function parse<T extends z.ZodTypeAny>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw new DomainError(422, 'invalid_request_parameters', 'The request parameters are invalid: see errors[].', { errors: toFieldErrors(r.error.issues) });
  return r.data;
}
