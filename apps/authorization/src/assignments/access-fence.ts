import type { FastifyInstance } from 'fastify';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { AccessIndex } from './access-index';

const READS_ONLY = 'authzReadsOnly';
/** Marks a POST that writes nothing (a check, a claims computation): it needs no fence. */
export const ReadsOnly = () => RouteConfig({ [READS_ONLY]: true });

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Read-your-writes on the replica that wrote: a request that may have written answers only once
 * the NOTIFYs of its commits have reached this replica's access index (AccessIndex.fence), so a
 * check sent after a revocation's answer never sees the grant. Failed requests wait too: a
 * handler may have committed before it threw (onSend runs for every answer, errors included;
 * fence() never rejects).
 *
 * A Fastify hook rather than a Nest interceptor: Nest wraps each interceptor of each request in
 * `AsyncResource.bind` (two per request for one interceptor), which costs CPU and leaves objects
 * that survive young-generation GCs, on every route, the check included (docs/benchmarks.md).
 */
export function installAccessFence(fastify: FastifyInstance, index: AccessIndex): void {
  fastify.addHook('onSend', async (req, _reply, payload) => {
    if (SAFE_METHODS.has(req.method) || (req.routeOptions.config as { [READS_ONLY]?: boolean } | undefined)?.[READS_ONLY] === true) return payload;
    await index.fence();
    return payload;
  });
}
