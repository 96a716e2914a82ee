// Scenario 3: POST /organizations through the gateway, unique names, no Idempotency-Key.
import { runWrk } from '../lib.mjs';

export const POST_TARGET_RPS = 600;

export async function postOrganization(ctx) {
  const load = {
    url: ctx.baseUrl,
    connections: ctx.connections,
    headers: { Authorization: `Bearer ${ctx.apiKey}` },
  };
  await runWrk({ ...load, seconds: Math.min(2, ctx.warmupSeconds), luaArgs: ['post', `${ctx.runId}-warmup`] });
  const r = await ctx.measure('post', () => runWrk({ ...load, seconds: ctx.postSeconds, luaArgs: ['post', ctx.runId] }));
  return {
    name: `POST /organizations via gateway (${ctx.connections} conn, ${ctx.postSeconds} s)`,
    ...r,
    target: `>= ${POST_TARGET_RPS} req/s`,
    pass: r.rps >= POST_TARGET_RPS && r.errors === 0,
  };
}
