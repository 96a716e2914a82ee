import { request } from 'node:http';

export interface HttpOptions {
  port: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON (with a JSON content type unless one is given); a string or Buffer as is. */
  body?: unknown;
  timeoutMs?: number;
  /** Send the body with Transfer-Encoding: chunked instead of a Content-Length. */
  chunked?: boolean;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
  contentType: string;
}

/**
 * Raw HTTP to 127.0.0.1, without fetch's header rules, so tests can send what a hostile
 * client would: any method, path bytes, headers and body.
 */
export function httpRequest(method: string, path: string, opts: HttpOptions): Promise<HttpResult> {
  const headers: Record<string, string> = { ...opts.headers };
  let payload: Buffer | undefined;
  if (Buffer.isBuffer(opts.body)) payload = opts.body;
  else if (typeof opts.body === 'string') payload = Buffer.from(opts.body);
  else if (opts.body !== undefined) {
    payload = Buffer.from(JSON.stringify(opts.body));
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  if (payload && !opts.chunked) headers['content-length'] = String(payload.length);
  return new Promise((resolve, reject) => {
    let responded = false;
    let lastError: Error | undefined;
    const req = request({ host: '127.0.0.1', port: opts.port, method, path, headers, agent: false, timeout: opts.timeoutMs ?? 30_000 }, (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error(`${method} ${path}: response aborted`)));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const contentType = String(res.headers['content-type'] ?? '');
        let json: unknown;
        if (contentType.includes('application/json')) {
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, contentType });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    // The server may answer (e.g. 413) and close before the whole body is written, so a write
    // error only fails the request when no response arrives.
    req.on('error', (err) => (lastError = err));
    req.on('close', () => {
      if (!responded) reject(lastError ?? new Error(`${method} ${path}: connection closed without a response`));
    });
    if (payload && opts.chunked) for (let i = 0; i < payload.length; i += 64 * 1024) req.write(payload.subarray(i, i + 64 * 1024));
    else if (payload) req.write(payload);
    req.end();
  });
}

/** True when the response is a WorkOS error body: JSON content type and a string `message`. */
export function isWorkOsError(res: HttpResult): boolean {
  const body = res.json as { message?: unknown } | undefined;
  return res.contentType.includes('application/json') && typeof body?.message === 'string' && body.message.length > 0;
}

export function describe(res: HttpResult): string {
  return `${res.status} ${res.contentType} ${res.text.slice(0, 300)}`;
}

/** The Cookie header a browser would send back after `res`: the name=value of every Set-Cookie. */
export function cookieHeaderFrom(res: HttpResult): string {
  const set = res.headers['set-cookie'];
  return (Array.isArray(set) ? set : set ? [set] : []).map((c) => c.split(';')[0]!).join('; ');
}
