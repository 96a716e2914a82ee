import type { FastifyReply } from 'fastify';
import { INVALID_IDEMPOTENCY_KEY_MESSAGE } from '@wos/contracts';

/**
 * Every error the gateway itself answers. Invariant: all of them are JSON with `message` and
 * `code`, because the SDK throws ParseError on any non-JSON error body (WORKOS_API.md §1.4).
 */
export const GatewayErrors = {
  notFound: (path: string, detail?: string) => ({
    status: 404,
    code: 'not_found',
    message: `The requested path '${path.slice(0, 300)}' could not be found.${detail ? ` ${detail}` : ''}`,
  }),
  ambiguousParameter: (name: string) => ({
    status: 400,
    code: 'ambiguous_parameter',
    message: `The parameter '${name}' is given both in the path and in the query. Give it once.`,
  }),
  corsOriginNotAllowed: () => ({
    status: 403,
    code: 'cors_origin_not_allowed',
    message: "This Origin is not one of the environment's CORS origins (add it with `workos config cors add <origin>`).",
  }),
  idempotencyUnavailable: () => ({
    status: 503,
    code: 'idempotency_unavailable',
    message: 'The Idempotency-Key cannot be checked right now, so the request was not run. Retry it with the same key.',
  }),
  unauthorized: () => ({ status: 401, code: 'unauthorized', message: 'Could not authorize the request. Maybe your API key is invalid?' }),
  invalidWidgetToken: () => ({ status: 401, code: 'unauthorized', message: 'A valid widget token (Authorization: Bearer <token from POST /widgets/token>) is required.' }),
  usageUnavailable: () => ({ status: 503, code: 'service_unavailable', message: 'The rate-limit usage cannot be read right now. Retry the request.' }),
  authUnavailable: () => ({ status: 503, code: 'service_unavailable', message: 'The API key could not be verified right now. Retry the request.' }),
  invalidClient: () => ({ status: 400, code: 'invalid_client', message: 'The client_id is missing, given more than once, or unknown.' }),
  invalidRedirectUri: (uri: string) => ({
    status: 400,
    code: 'invalid_redirect_uri',
    message: `The redirect_uri '${uri.slice(0, 300)}' is not one of this environment's redirect URIs.`,
  }),
  rateLimited: () => ({ status: 429, code: 'rate_limit_exceeded', message: 'Rate limit exceeded. Retry after the number of seconds in the Retry-After header.' }),
  invalidIdempotencyKey: () => ({ status: 400, code: 'invalid_idempotency_key', message: INVALID_IDEMPOTENCY_KEY_MESSAGE }),
  idempotencyKeyReused: () => ({
    status: 400,
    code: 'idempotency_key_reused',
    message:
      'This Idempotency-Key was already used with a different request (method, path, query or body). Use a new key for a different request.',
  }),
  /** The key's first request created something whose answer held a one-time value (never stored). */
  idempotencyKeyAlreadyUsed: (object: string | null, resourceId: string | null) => ({
    status: 409,
    code: 'idempotency_key_already_used',
    message:
      `This Idempotency-Key was already used for this request, which created ${resourceId ? `${object ?? 'the resource'} '${resourceId}'` : 'a resource'}. ` +
      'Its response carried a one-time value (such as an API key\'s `value`) that is never stored, so it cannot be replayed. ' +
      `${resourceId ? `Find or delete '${resourceId}' by its ID` : 'Find or delete it'}, or create another with a new key.`,
  }),
  idempotencyInProgress: () => ({
    status: 409,
    code: 'idempotency_request_in_progress',
    message: 'A request with this Idempotency-Key is still being processed. Retry after it has completed.',
  }),
  upstreamUnavailable: () => ({ status: 502, code: 'upstream_unavailable', message: 'The service behind this path is unavailable. Retry the request.' }),
  upstreamTimeout: () => ({ status: 504, code: 'upstream_timeout', message: 'The service behind this path did not respond in time.' }),
  upstreamInvalid: () => ({ status: 502, code: 'upstream_invalid_response', message: 'The service behind this path returned an invalid response.' }),
} as const;

export type GatewayError = ReturnType<(typeof GatewayErrors)[keyof typeof GatewayErrors]>;

/** A 5xx also carries the request ID in its body, the same ID the gateway logs it under. */
export function sendGatewayError(reply: FastifyReply, error: GatewayError, headers: Record<string, string> = {}): FastifyReply {
  const body = error.status >= 500 ? { message: error.message, code: error.code, request_id: reply.request.id } : { message: error.message, code: error.code };
  return reply.status(error.status).headers(headers).type('application/json').send(body);
}

/**
 * A service error response with a non-JSON body keeps its status but gets a JSON body: the
 * invariant above holds for proxied errors too.
 */
export function jsonErrorBody(status: number, contentType: string | undefined, body: Buffer): { contentType: string | undefined; body: Buffer } {
  if (status < 400 || contentType?.includes('json')) return { contentType, body };
  const e = GatewayErrors.upstreamInvalid();
  return { contentType: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify({ message: e.message, code: e.code })) };
}
