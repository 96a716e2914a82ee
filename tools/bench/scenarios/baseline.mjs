// Scenario 2: the same GET load against a bare Fastify + pg server (baseline-server.mjs) that
// does the organizations service's Postgres work for that request, in its own Node process.
// Scenario 2b (`hop`): the same server behind a bare proxy (hop-proxy-server.mjs), the physical
// limit of a design with a gateway in front of a service: what the extra hop alone costs.
import { runWrk, startServer, stopServer } from '../lib.mjs';

export const RATIO_TARGET = 0.5;

const startBaseline = (ctx) =>
  startServer('baseline-server.mjs', { DATABASE_URL: ctx.stack.databaseUrl('organizations'), POOL_SIZE: String(ctx.poolSize), PORT: String(ctx.baselinePort), ENVIRONMENT_ID: ctx.environmentId, ...ctx.profiler.serverEnv('baseline') });

async function measureGet(ctx, label, port) {
  const load = { url: `http://127.0.0.1:${port}`, connections: ctx.connections, headers: { Authorization: `Bearer ${ctx.apiKey}` }, luaArgs: ['get', ctx.pathsFile] };
  await runWrk({ ...load, seconds: ctx.warmupSeconds });
  return ctx.measure(label, () => runWrk({ ...load, seconds: ctx.getSeconds }));
}

export async function baseline(ctx) {
  const child = await startBaseline(ctx);
  try {
    const r = await measureGet(ctx, 'baseline', ctx.baselinePort);
    return { name: `baseline: bare Fastify + pg, same queries (${ctx.connections} conn, ${ctx.getSeconds} s)`, ...r, target: 'reference' };
  } finally {
    await stopServer(child);
  }
}

/** The baseline behind a bare proxy with the gateway's upstream connection count. */
export async function twoHopBaseline(ctx) {
  const server = await startBaseline(ctx);
  try {
    const proxy = await startServer('hop-proxy-server.mjs', { UPSTREAM: `http://127.0.0.1:${ctx.baselinePort}`, CONNECTIONS: String(ctx.upstreamConnections), PORT: String(ctx.baselinePort + 1), ...ctx.profiler.serverEnv('proxy') });
    try {
      const r = await measureGet(ctx, 'hop', ctx.baselinePort + 1);
      return { name: `two-hop baseline: bare proxy → bare Fastify + pg (${ctx.connections} conn, ${ctx.getSeconds} s)`, ...r, target: 'reference' };
    } finally {
      await stopServer(proxy);
    }
  } finally {
    await stopServer(server);
  }
}

export function ratioRow(gateway, base, name = 'gateway / baseline (req/s ratio)', target = RATIO_TARGET) {
  const ratio = gateway.rps / base.rps;
  return target === null ? { name, ratio, target: 'reference' } : { name, ratio, target: `>= ${target}`, pass: ratio >= target };
}
