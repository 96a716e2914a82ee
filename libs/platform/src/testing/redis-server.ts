import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { waitFor } from './testing';

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A private Redis 7 server for one test stack: the machine's `redis-server` binary (the same
 * package that serves 127.0.0.1:6379), on its own port, keeping nothing on disk. One server per
 * stack means test files never share Redis state, need no database numbers (Redis has only 16),
 * and can run concurrently. Stopped, and its process reaped, by `stop()`.
 */
export async function startTestRedis(port: number, binary = process.env.REDIS_SERVER_BIN ?? 'redis-server'): Promise<TestRedis> {
  const child: ChildProcess = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let failure: Error | undefined;
  child.once('error', (err) => (failure = err));
  child.once('exit', (code) => (failure ??= new Error(`redis-server on port ${port} exited with code ${code}`)));
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined); // refused while the server starts: the loop below retries
  try {
    await waitFor(
      async () => {
        if (failure) throw failure;
        try {
          if (probe.status !== 'ready') await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          probe.disconnect();
          return false;
        }
      },
      { timeoutMs: 15_000, intervalMs: 50, message: `redis-server on port ${port}` },
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw failure ?? err;
  } finally {
    probe.disconnect();
  }
  return {
    url,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
