import { ConfigError } from './config';

/**
 * Runs a service's main function. A configuration error prints its message alone and exits 1
 * before anything binds a port; any other startup failure prints its stack.
 */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(err);
    process.exit(1);
  });
}
