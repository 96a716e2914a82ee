import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

export interface BufferedResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One request through `dispatcher` (the gateway's upstream pools, the benchmarks' load
 * generator), its answer read whole into one Buffer. Settles exactly once:
 * with the answer after its last byte, or with the error undici reports (connection refused or
 * reset, `UND_ERR_HEADERS_TIMEOUT`, `UND_ERR_BODY_TIMEOUT`).
 *
 * Why not `request()` and `body.arrayBuffer()`: undici's promise API wraps each answer in a
 * RequestHandler (an AsyncResource) and a Readable stream. On the gateway at 2,000 requests/s
 * those objects made about a tenth of everything allocated survive each young-generation GC,
 * whose pauses then took 15–45 ms (measured with --trace-gc-nvp: ~5 MB survived per scavenge).
 * This handler keeps nothing but the chunks (docs/benchmarks.md, GC pauses).
 */
export interface BufferedDispatchOptions extends Dispatcher.DispatchOptions {
  /** Aborting it rejects with its reason (a timeout's is a `TimeoutError`) and drops the request. */
  signal?: AbortSignal;
  /** An answer longer than this is dropped with a ResponseTooLargeError (default MAX_BUFFERED_RESPONSE_BYTES). */
  maxBytes?: number;
}

/**
 * The most a buffered answer may hold: 32 MiB, far above any JSON page we serve (100 items),
 * so that a peer that misbehaves cannot make a process hold an unbounded body in memory.
 * Answers that can be larger (downloads, event streams) take the streaming paths.
 */
export const MAX_BUFFERED_RESPONSE_BYTES = 32 * 1024 * 1024;

/** An answer longer than its `maxBytes`; the request was dropped. Code as undici's own size error. */
export class ResponseTooLargeError extends Error {
  readonly code = 'UND_ERR_RES_EXCEEDED_MAX_SIZE';
  constructor(maxBytes: number) {
    super(`the answer is longer than ${maxBytes} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

export function bufferedDispatch(dispatcher: Dispatcher, options: BufferedDispatchOptions): Promise<BufferedResponse> {
  const { signal, maxBytes = MAX_BUFFERED_RESPONSE_BYTES, ...dispatchOptions } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let statusCode = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let length = 0;
    let controller: Dispatcher.DispatchController | undefined;
    // An abort before the request reached a connection settles at once; onRequestStart then drops it.
    const onAbort = () => {
      controller?.abort(signal!.reason);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settled = () => signal?.removeEventListener('abort', onAbort);
    dispatcher.dispatch(dispatchOptions, {
      onRequestStart(c) {
        controller = c;
        if (signal?.aborted) c.abort(signal.reason);
      },
      onResponseStart(_controller, status, responseHeaders) {
        statusCode = status;
        headers = responseHeaders;
      },
      onResponseData(c, chunk) {
        length += chunk.length;
        if (length > maxBytes) {
          const err = new ResponseTooLargeError(maxBytes);
          settled();
          reject(err);
          chunks.length = 0;
          return c.abort(err);
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        settled();
        // A copy: a chunk may be a view into a larger read buffer that undici does not promise to keep.
        resolve({ statusCode, headers, body: Buffer.concat(chunks) });
      },
      onResponseError(_controller, err) {
        settled();
        reject(err);
      },
    });
  });
}
