import type { FastifyInstance } from 'fastify';
import { EMPTY_SHA256, verifyInternalRequest } from '@wos/platform';
import type { AppConfig } from '../config';
import type { ClientAuthService } from '../auth/client-auth.service';
import { GatewayErrors, sendGatewayError } from '../gateway/gateway.replies';

/** Kept in step with identity's `REDIRECT_URI_CHECK_PATH` (apps/identity/src/sessions/redirect-uris.client.ts). */
export const REDIRECT_URI_CHECK_PATH = '/_internal/redirect_uris/allowed';

/** Kept in step with identity's `CLIENT_IDS_PATH` (apps/identity/src/agents/client-ids.client.ts). */
export const CLIENT_IDS_PATH = '/_internal/client_ids';

/** Kept in step with identity's `APP_HOMEPAGE_PATH` (apps/identity/src/sessions/redirect-uris.client.ts). */
export const APP_HOMEPAGE_PATH = '/_internal/app_homepage_url';

/** Kept in step with identity's `DEFAULT_REDIRECT_URI_PATH` (apps/identity/src/sessions/redirect-uris.client.ts). */
export const DEFAULT_REDIRECT_URI_PATH = '/_internal/default_redirect_uri';

/** Kept in step with identity's `HOSTED_LINK_TARGET_PATH` (apps/identity/src/sessions/redirect-uris.client.ts). */
export const HOSTED_LINK_TARGET_PATH = '/_internal/hosted_link_target';

/**
 * The gateway's internal routes. The first: whether `uri` is exactly one of the signed environment's
 * redirect URIs (identity's logout follows `return_to` only then). Invariant: it answers only
 * a caller holding the gateway's internal-auth key, and only about the environment that caller signed,
 * so it lists nothing and reveals nothing about another environment.
 */
export function registerInternalRoutes(fastify: FastifyInstance, deps: { config: AppConfig; clients: ClientAuthService }): void {
  /** Each route answers about the environment its caller signed; a GET carries no body, so the signed digest is the empty one's. */
  const signed = (path: string, answer: (environmentId: string, query: Record<string, unknown>) => Promise<unknown>) =>
    fastify.get(path, async (req, reply) => {
      const context = verifyInternalRequest(deps.config.INTERNAL_AUTH_SECRET, 'api-gateway', { method: req.method, url: req.url, headers: req.headers });
      if (!context || context.contentSha256 !== EMPTY_SHA256) return sendGatewayError(reply, GatewayErrors.unauthorized());
      return reply.type('application/json').send(await answer(context.environmentId, req.query as Record<string, unknown>));
    });
  signed(REDIRECT_URI_CHECK_PATH, async (environmentId, { uri }) => ({
    allowed: typeof uri === 'string' && uri.length > 0 && uri.length <= 2048 && (await deps.clients.redirectUriAllowed(environmentId, uri)),
  }));
  // The environment's own client IDs (public values: they appear in browser URLs).
  signed(CLIENT_IDS_PATH, async (environmentId) => ({ client_ids: await deps.clients.clientIdsOf(environmentId) }));
  // The environment's default redirect URI (a Magic Link session without redirect_uri uses it).
  signed(DEFAULT_REDIRECT_URI_PATH, async (environmentId) => ({ uri: await deps.clients.defaultRedirectUri(environmentId) }));
  // The environment's app homepage URL (a logout without return_to lands there).
  signed(APP_HOMEPAGE_PATH, async (environmentId) => ({ url: await deps.clients.appHomepageUrl(environmentId) }));
  // The client ID and redirect URI an emailed invitation link opens the hosted pages with.
  signed(HOSTED_LINK_TARGET_PATH, async (environmentId) => deps.clients.hostedLinkTargetOf(environmentId));
}
