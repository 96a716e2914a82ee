import { availableParallelism } from 'node:os';
import type { AppName } from './catalogue';

/** A bound on a typo; libuv itself allows up to 1024 threads. */
export const MAX_UV_THREADPOOL_SIZE = 64;

/**
 * The libuv thread-pool size (UV_THREADPOOL_SIZE) the stack gives `app` when WOS_UV_THREADPOOL_SIZE
 * does not name it; undefined leaves libuv's default (4).
 *
 * identity: every password sign-in, sign-up and reset runs one argon2id hash on this pool
 * (@node-rs/argon2's async hash/verify are napi-rs AsyncTasks, i.e. uv_queue_work), about 12 ms
 * of CPU and 19 MiB each; its RS256 signatures (crypto.sign with a callback) run there too. The
 * hashes are CPU-bound, so threads beyond the cores only time-slice the same work with more
 * memory in use and longer latency per hash, while too few leave a core idle: one thread per core.
 * At least 2, so one long hash never holds up the pool's other users (signatures, fs, dns.lookup)
 * by itself on a one-core host. Other services: their pool work is short (fs, dns, crypto), libuv's
 * default serves them.
 *
 * Node reads UV_THREADPOOL_SIZE when the pool first starts (the first fs, dns.lookup or crypto
 * call), so it must be in the process's environment at start: the stack and the Helm chart
 * set it there, never the service itself.
 */
export function defaultUvThreadpoolSize(app: AppName, cores = availableParallelism()): number | undefined {
  if (app !== 'identity') return undefined;
  return Math.min(MAX_UV_THREADPOOL_SIZE, Math.max(2, cores));
}
