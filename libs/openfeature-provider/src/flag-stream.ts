import type { FlagPollResponse } from '@workos-inc/node';

export interface FlagStreamOptions {
  /** `<base URL>/sdk/feature-flags/stream`. */
  url: string;
  apiKey: string;
  onPayload(payload: FlagPollResponse, version: string): void;
  /** Connected (true) or lost (false); while lost, evaluations use the SDK's polling. */
  onState(connected: boolean): void;
  fetch?: typeof fetch;
}

const MAX_BACKOFF_MS = 30_000;
/* The server sends a comment every 15 s; silence for longer means a dead connection. */
const IDLE_TIMEOUT_MS = 45_000;
const MAX_EVENT_BYTES = 16 * 1024 * 1024;

/**
 * A client of the platform's `GET /sdk/feature-flags/stream` (server-sent events): each `flags`
 * event carries the whole payload, `id` its version. It reconnects with backoff (1 s doubling to
 * 30 s); every connection starts with the whole current payload. A 404 (a server
 * without the stream, such as WorkOS itself) or a 401 stops it: polling carries on alone.
 */
export class FlagStream {
  private abort?: AbortController;
  private closed = false;
  private backoffMs = 1_000;

  constructor(private readonly opts: FlagStreamOptions) {}

  start(): void {
    void this.run();
  }

  close(): void {
    this.closed = true;
    this.abort?.abort();
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      const outcome = await this.connectOnce().catch(() => 'retry' as const);
      this.opts.onState(false);
      if (outcome === 'stop' || this.closed) return;
      await new Promise((r) => setTimeout(r, this.backoffMs).unref());
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    }
  }

  private async connectOnce(): Promise<'retry' | 'stop'> {
    this.abort = new AbortController();
    const headers: Record<string, string> = { authorization: `Bearer ${this.opts.apiKey}`, accept: 'text/event-stream' };
    // Armed before the request, so a server that never answers is given up on too.
    let idle = setTimeout(() => this.abort?.abort(), IDLE_TIMEOUT_MS);
    try {
      const res = await (this.opts.fetch ?? fetch)(this.opts.url, { headers, signal: this.abort.signal });
      if (res.status === 404 || res.status === 401 || res.status === 403) return 'stop';
      if (!res.ok || !res.body) return 'retry';
      this.opts.onState(true);
      this.backoffMs = 1_000;
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'retry';
        clearTimeout(idle);
        idle = setTimeout(() => this.abort?.abort(), IDLE_TIMEOUT_MS);
        buffer += decoder.decode(value, { stream: true });
        if (buffer.length > MAX_EVENT_BYTES) return 'retry';
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          this.dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } finally {
      clearTimeout(idle);
    }
  }

  private dispatch(block: string): void {
    let event = 'message';
    let id = '';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i === -1 ? line : line.slice(0, i);
      const value = i === -1 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
    }
    if (event !== 'flags' || !data.length) return;
    try {
      const payload = JSON.parse(data.join('\n')) as FlagPollResponse;
      this.opts.onPayload(payload, id);
    } catch {
      // A malformed event is skipped; the next one carries the whole payload again.
    }
  }
}
