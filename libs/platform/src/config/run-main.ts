import { ConfigError } from './config';
import { applyTestClockSkew } from './test-clock-skew';

/**
 * Runs a service's main function. A configuration error prints its message alone and exits 1
 * before anything binds a port; any other startup failure prints its stack. The clock-skew test
 * hook (WOS_TEST_CLOCK_SKEW_MS, refused in production) is applied first, so every service has it.
 * Once `main` resolves (every port the service opens is listening), a parent that started the
 * process with an IPC channel is told so (announceStarted).
 */
export function runMain(main: () => Promise<unknown>): void {
  Promise.resolve()
    .then(() => {
      applyTestClockSkew();
      return main();
    })
    .then(announceStarted)
    .catch((err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(err);
    process.exit(1);
  });
}

/**
 * Tells the parent that started this process with an IPC channel (the stack runner) that the
 * service is up. Replicas that share their ports (REUSE_PORT) cannot be told apart by probing a
 * port, so the runner waits for each one's message. Without a channel (Kubernetes, a shell),
 * nothing happens. The channel is then unreferenced: it never keeps a stopping process alive.
 */
export function announceStarted(): void {
  if (!process.send) return;
  process.send({ wos: 'started', pid: process.pid }, undefined, undefined, () => undefined);
  process.channel?.unref();
}
