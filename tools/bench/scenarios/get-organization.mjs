// Scenario 1: GET /organizations/:id through the gateway, rotating over the seeded orgs.
import { runWrk } from '../lib.mjs';

export const GET_TARGET = { rps: 2500, p99Ms: 25 };

export async function getOrganization(ctx) {
  const load = {
    url: ctx.baseUrl,
    connections: ctx.connections,
    headers: { Authorization: `Bearer ${ctx.apiKey}` },
    luaArgs: ['get', ctx.pathsFile],
  };
  await runWrk({ ...load, seconds: ctx.warmupSeconds });
  const r = await ctx.measure('get', () => runWrk({ ...load, seconds: ctx.getSeconds }));
  return {
    name: `GET /organizations/:id via gateway (${ctx.connections} conn, ${ctx.getSeconds} s)`,
    ...r,
    target: `>= ${GET_TARGET.rps.toLocaleString('en-US')} req/s, p99 < ${GET_TARGET.p99Ms} ms`,
    pass: r.rps >= GET_TARGET.rps && r.p99 < GET_TARGET.p99Ms && r.errors === 0,
  };
}
