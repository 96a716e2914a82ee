import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import type { AddressPolicy } from './address-policy';

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface SenderOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  policy: AddressPolicy;
  /** Keep-alive connections per origin; the worker's concurrency, so attempts never queue here. */
  connections: number;
  userAgent: string;
}

/**
 * POSTs to customer-configured URLs (webhook deliveries, audit-log streams). Invariants:
 * redirects are never followed (a 3xx is a failed attempt); only a 2xx received within
 * `timeoutMs` (headers and the capped body read) counts; at most `maxResponseBytes` of the
 * response are read; every connection's address passes the address policy at connect time.
 */
export class OutboundSender {
  private readonly agent: Agent;

  constructor(private readonly opts: SenderOptions) {
    this.agent = new Agent({
      connect: { lookup: opts.policy.lookup, timeout: opts.timeoutMs },
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      keepAliveTimeout: 30_000,
      connections: opts.connections,
    });
  }

  /** `headers` are the caller's (signature, credentials, content type); the user agent is `userAgent`. */
  async send(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      // An IP-literal host never reaches the agent's lookup; judge it here (no DNS involved).
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      if (isIP(host)) await this.opts.policy.resolveSafely(host);
      const res = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json', 'user-agent': this.opts.userAgent, ...headers },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      await this.drainCapped(res.body);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const error = ok ? null : res.statusCode >= 300 && res.statusCode < 400 ? `redirect (${res.statusCode}) not followed` : `HTTP ${res.statusCode}`;
      return { ok, statusCode: res.statusCode, latencyMs: elapsed(), error };
    } catch (err) {
      const e = err as Error & { code?: string };
      const reason = e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT' ? `timeout after ${this.opts.timeoutMs} ms` : `${e.code ?? e.name}: ${e.message}`;
      return { ok: false, statusCode: null, latencyMs: elapsed(), error: reason.slice(0, 500) };
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Reads at most the cap, then drops the rest (and with it the connection, if it was large). */
  private async drainCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<void> {
    let read = 0;
    for await (const chunk of body) {
      read += chunk.length;
      if (read > this.opts.maxResponseBytes) {
        body.destroy();
        return;
      }
    }
  }
}
