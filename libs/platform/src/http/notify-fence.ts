import type { FastifyInstance } from 'fastify';
import { RouteConfig } from '@nestjs/platform-fastify';

const READS_ONLY = 'readsOnly';
/** Marks a POST that writes nothing (a check, a claims computation): it needs no fence. */
export const ReadsOnly = () => RouteConfig({ [READS_ONLY]: true });

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Read-your-writes for a service that answers reads from a NOTIFY-kept cache (NotifiedCache):
 * a request that may have written answers only once the NOTIFYs of its commits have reached this
 * replica's caches (`fence`, which must never reject), so a read sent after a write's answer
 * never sees what the write changed. Failed requests wait too: a handler may have committed
 * before it threw (onSend runs for every answer, errors included). GET, HEAD, OPTIONS and routes
 * marked @ReadsOnly() answer at once. Another replica is at most one notification delivery behind.
 *
 * A Fastify hook rather than a Nest interceptor: Nest wraps each interceptor of each request in
 * `AsyncResource.bind` (two per request for one interceptor), which costs CPU and leaves objects
 * that survive young-generation GCs, on every route (docs/benchmarks.md).
 */
export function installNotifyFence(fastify: FastifyInstance, fence: () => Promise<void>): void {
  fastify.addHook('onSend', async (req, _reply, payload) => {
    if (SAFE_METHODS.has(req.method) || (req.routeOptions.config as { [READS_ONLY]?: boolean } | undefined)?.[READS_ONLY] === true) return payload;
    await fence();
    return payload;
  });
}
