// A keep-alive HTTP client for the gateway (seeding and the event-visibility scenario).
import { Pool } from 'undici';
import { bufferedRequest } from './lib.mjs';

export class Api {
  constructor(baseUrl, apiKey, connections = 64) {
    this.pool = new Pool(baseUrl, { connections, pipelining: 1 });
    this.auth = `Bearer ${apiKey}`;
  }

  /** Returns { status, body (parsed JSON or undefined), at (performance.now() when the body arrived) }. */
  async request(method, path, body) {
    const headers = { authorization: this.auth };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await bufferedRequest(this.pool, { method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = res.body.toString('utf8');
    const at = performance.now();
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined, at };
  }

  async expect(status, method, path, body) {
    const r = await this.request(method, path, body);
    if (r.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  }

  close() {
    return this.pool.close();
  }
}
