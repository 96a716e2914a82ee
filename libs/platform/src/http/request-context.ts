import { AsyncLocalStorage } from 'node:async_hooks';

/*
 * The ID of the request a piece of work runs for. The kit's request hooks enter it for the rest
 * of each request (bootstrap.ts), so calls to other services carry it (`x-request-id`, which the
 * callee adopts as its own request ID) and log lines name it, without the ID being passed down by
 * hand. Work that no request started (a consumer, a timer, a background loop) has none.
 */
const requestIds = new AsyncLocalStorage<string>();

/** Runs `fn`, and everything it starts, as work for request `id`. */
export function runForRequest(id: string, fn: () => void): void {
  requestIds.run(id, fn);
}

/**
 * Runs `fn`, and everything it starts, as work of no request: for work a request may set going
 * but that serves the whole service (a background loop's runs), whose log lines and calls must
 * not name whichever request happened to start it.
 */
export function outsideAnyRequest<T>(fn: () => T): T {
  return requestIds.exit(fn);
}

/** The ID of the request the current work runs for, if a request started it. */
export function currentRequestId(): string | undefined {
  return requestIds.getStore();
}
