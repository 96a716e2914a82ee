import type { FastifyInstance } from 'fastify';
import { EMPTY_SHA256, verifyInternalRequest } from '@wos/platform';
import type { AppConfig } from '../config';
import type { ClientAuthService } from '../auth/client-auth.service';
import { GatewayErrors, sendGatewayError } from '../gateway/gateway.replies';

/** Kept in step with identity's `REDIRECT_URI_CHECK_PATH` (apps/identity/src/sessions/redirect-uris.client.ts). */
export const REDIRECT_URI_CHECK_PATH = '/_internal/redirect_uris/allowed';

/** Kept in step with identity's `CLIENT_IDS_PATH` (apps/identity/src/agents/client-ids.client.ts). */
export const CLIENT_IDS_PATH = '/_internal/client_ids';

/**
 * The gateway's internal routes. The first: whether `uri` is exactly one of the signed environment's
 * redirect URIs (identity's logout follows `return_to` only then). Invariant: it answers only
 * a caller holding the gateway's internal-auth key, and only about the environment that caller signed,
 * so it lists nothing and reveals nothing about another environment.
 */
export function registerInternalRoutes(fastify: FastifyInstance, deps: { config: AppConfig; clients: ClientAuthService }): void {
  fastify.get(REDIRECT_URI_CHECK_PATH, async (req, reply) => {
    // A GET carries no body, so the signed content digest must be the empty one.
    const context = verifyInternalRequest(deps.config.INTERNAL_AUTH_SECRET, 'api-gateway', { method: req.method, url: req.url, headers: req.headers });
    if (!context || context.contentSha256 !== EMPTY_SHA256) return sendGatewayError(reply, GatewayErrors.unauthorized());
    const uri = (req.query as Record<string, unknown>).uri;
    if (typeof uri !== 'string' || !uri || uri.length > 2048) return reply.type('application/json').send({ allowed: false });
    return reply.type('application/json').send({ allowed: await deps.clients.redirectUriAllowed(context.environmentId, uri) });
  });
  // The signed environment's own client IDs (public values: they appear in browser URLs).
  fastify.get(CLIENT_IDS_PATH, async (req, reply) => {
    const context = verifyInternalRequest(deps.config.INTERNAL_AUTH_SECRET, 'api-gateway', { method: req.method, url: req.url, headers: req.headers });
    if (!context || context.contentSha256 !== EMPTY_SHA256) return sendGatewayError(reply, GatewayErrors.unauthorized());
    return reply.type('application/json').send({ client_ids: await deps.clients.clientIdsOf(context.environmentId) });
  });
}
