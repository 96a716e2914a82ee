import type { ErrorBody } from '@wos/contracts';
import { DomainError, RateLimitedError } from './errors';

export interface ErrorResponse {
  status: number;
  body: ErrorBody & Record<string, unknown>;
  headers: Record<string, string>;
  /** True for failures that are ours, not the caller's: they are logged with their stack. */
  internal: boolean;
}

interface HttpLikeError {
  statusCode?: number;
  status?: number;
  code?: string;
  message?: string;
  getStatus?: () => number;
  getResponse?: () => unknown;
}

/* Fastify's own error codes, mapped to WorkOS-style codes. */
const FASTIFY_CODES: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'The request body is empty.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Unsupported Content-Type.' },
  FST_ERR_BAD_URL: { status: 400, code: 'invalid_url', message: 'The request URL is malformed.' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'uri_too_long', message: 'A path parameter is too long.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_request', message: 'Invalid Content-Length.' },
};

const INVALID_JSON = { message: 'The request body is not valid JSON.', code: 'invalid_json' };

const STATUS_CODES: Record<number, { message: string; code: string }> = {
  404: { message: 'Not Found', code: 'not_found' },
  405: { message: 'Method Not Allowed', code: 'method_not_allowed' },
  413: { message: 'The request body is too large.', code: 'payload_too_large' },
  415: { message: 'Unsupported Content-Type.', code: 'unsupported_media_type' },
};

/**
 * The single mapping from any thrown value to a WorkOS error response. Used by the Nest filter
 * and by Fastify's error handler, so every path answers the same way. Invariant: only
 * non-client failures become 5xx, and those never echo internal messages.
 */
export function toErrorResponse(err: unknown, requestId: string): ErrorResponse {
  if (err instanceof DomainError) {
    const headers: Record<string, string> = {};
    if (err instanceof RateLimitedError) headers['retry-after'] = String(err.retryAfterSeconds);
    return { status: err.status, body: { message: err.message, code: err.code, ...err.extra }, headers, internal: false };
  }
  const e = (err ?? {}) as HttpLikeError;
  if (e.code && FASTIFY_CODES[e.code]) {
    const m = FASTIFY_CODES[e.code]!;
    return { status: m.status, body: { message: m.message, code: m.code }, headers: {}, internal: false };
  }
  if (err instanceof SyntaxError && e.statusCode === 400) {
    return { status: 400, body: { ...INVALID_JSON }, headers: {}, internal: false };
  }
  if (e.code === 'FST_ERR_VALIDATION' || (e as { validation?: unknown }).validation) {
    return { status: 422, body: { message: e.message ?? 'Validation failed', code: 'invalid_request_parameters' }, headers: {}, internal: false };
  }
  // Nest re-wraps Fastify's own errors as HttpException(message, status), dropping the FST_
  // code, so the status (and for 400 the message) decides the WorkOS code here.
  const status = typeof e.getStatus === 'function' ? e.getStatus() : (e.statusCode ?? e.status);
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const byStatus = STATUS_CODES[status];
    if (byStatus) return { status, body: { ...byStatus }, headers: {}, internal: false };
    if (status === 400 && /JSON/i.test(e.message ?? '')) return { status, body: { ...INVALID_JSON }, headers: {}, internal: false };
    return { status, body: { message: e.message ?? 'Bad Request', code: 'invalid_request' }, headers: {}, internal: false };
  }
  return {
    status: 500,
    body: { message: 'An internal error occurred. Quote the request ID when reporting it.', code: 'internal_error', request_id: requestId },
    headers: {},
    internal: true,
  };
}
