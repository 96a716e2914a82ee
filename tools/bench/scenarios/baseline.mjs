// Scenario 2: the same GET load against a bare Fastify + pg server (baseline-server.mjs) that
// does the organizations service's Postgres work for that request, in its own Node process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { benchDir, runWrk, track } from '../lib.mjs';

export const RATIO_TARGET = 0.5;

async function startBaseline(ctx) {
  const child = track(spawn(process.execPath, [join(benchDir, 'baseline-server.mjs')], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: ctx.stack.databaseUrl('organizations'),
      POOL_SIZE: String(ctx.poolSize),
      PORT: String(ctx.baselinePort),
      ENVIRONMENT_ID: ctx.environmentId,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  }));
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('baseline server not ready in 15 s')), 15_000);
      child.stdout.on('data', (d) => String(d).includes('ready') && (clearTimeout(timer), resolve()));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`baseline server exited (${code})`))));
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return child;
}

export async function baseline(ctx) {
  const child = await startBaseline(ctx);
  try {
    const load = {
      url: `http://127.0.0.1:${ctx.baselinePort}`,
      connections: ctx.connections,
      headers: { Authorization: `Bearer ${ctx.apiKey}` },
      luaArgs: ['get', ctx.pathsFile],
    };
    await runWrk({ ...load, seconds: ctx.warmupSeconds });
    const r = await ctx.measure('baseline', () => runWrk({ ...load, seconds: ctx.getSeconds }));
    return { name: `baseline: bare Fastify + pg, same queries (${ctx.connections} conn, ${ctx.getSeconds} s)`, ...r, target: 'reference' };
  } finally {
    child.kill('SIGTERM');
    await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 5000).unref())]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export function ratioRow(gateway, base) {
  const ratio = gateway.rps / base.rps;
  return { name: 'gateway / baseline (req/s ratio)', ratio, target: `>= ${RATIO_TARGET}`, pass: ratio >= RATIO_TARGET };
}
