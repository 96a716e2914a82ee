import type { FastifyReply, FastifyRequest } from 'fastify';
import { toFieldErrors, ValidationError } from '@wos/platform';
import { GatewayErrors, sendGatewayError } from '../gateway/gateway.replies';
import type { RateLimitUsageService } from './rate-limit-usage.service';
import { rateLimitUsageQuerySchema } from './rate-limit-usage.dto';

export const RATE_LIMIT_USAGE_PATH = '/usage/rate_limits';

/**
 * GET /usage/rate_limits, which the gateway answers itself (the counts live in its Redis): the
 * caller's environment only. False when the method and path are not this route.
 */
export async function handleRateLimitUsage(svc: RateLimitUsageService, environmentId: string, path: string, query: string, req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  if (path.replace(/\/+$/, '') !== RATE_LIMIT_USAGE_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const params: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) params[k] = k in params ? [params[k]!].flat().concat(v) : v;
  const parsed = rateLimitUsageQuerySchema.safeParse(params);
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error.issues));
  const data = await svc.read(environmentId, parsed.data.minutes);
  if (!data) {
    sendGatewayError(reply, GatewayErrors.usageUnavailable(), { 'retry-after': '1' });
    return true;
  }
  await reply.status(200).type('application/json').send({ object: 'list', data, list_metadata: { before: null, after: null } });
  return true;
}
