import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { registry, type HealthRegistry } from '@wos/platform';

/**
 * The gateway's platform plumbing on its own port (ADMIN_PORT): /health, /ready and /metrics.
 * Invariant: the public port never serves /ready or /metrics (review L8), so readiness details
 * and traffic metrics reach only those who can reach this port (probes, Prometheus).
 */
export async function startAdminServer(health: HealthRegistry, host: string, port: number, reusePort = false): Promise<{ server: FastifyInstance; port: number }> {
  const server = Fastify();
  server.get('/health', async () => ({ status: 'ok' }));
  server.get('/ready', async (_req, reply) => {
    const result = await health.run();
    return reply.status(result.ok ? 200 : 503).send({ status: result.ok ? 'ok' : 'unavailable', checks: result.checks });
  });
  server.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  // Replicas of the gateway on one host share this port as they share the public one (REUSE_PORT).
  await server.listen({ host, port, ...(reusePort ? { reusePort: true } : {}) } as { host: string; port: number });
  return { server, port: (server.server.address() as AddressInfo).port };
}
