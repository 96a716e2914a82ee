import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  path: string;
  eventId: string;
  eventType: string;
  signature: string;
  /** The raw body, exactly as received: what a receiver must verify. */
  body: string;
  headers: IncomingHttpHeaders;
  /** The status this receiver answered with (0 when it never answered: a timeout). */
  answered: number;
  at: number;
}

/** What to answer to the `n`th request (1-based) for one event on one path. */
export type Behaviour = (n: number, eventId: string) => { status: number; delayMs?: number };

/**
 * A webhook receiver on loopback: records every request and answers per path, so one server
 * can play a healthy endpoint, a flaky one, a slow one and a dead one at once.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly counts = new Map<string, number>();
  private server?: Server;
  port = 0;

  on(path: string, behaviour: Behaviour): string {
    this.behaviours.set(path, behaviour);
    return this.url(path);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = (req.url ?? '/').split('?')[0]!;
        let eventId = '';
        let eventType = '';
        try {
          const parsed = JSON.parse(body) as { id?: string; event?: string };
          eventId = parsed.id ?? '';
          eventType = parsed.event ?? '';
        } catch {
          /* recorded with an empty event id */
        }
        const key = `${path} ${eventId}`;
        const n = (this.counts.get(key) ?? 0) + 1;
        this.counts.set(key, n);
        const behaviour: Behaviour = this.behaviours.get(path) ?? (() => ({ status: 200 }));
        const { status, delayMs } = behaviour(n, eventId);
        const entry: ReceivedDelivery = { path, eventId, eventType, signature: String(req.headers['workos-signature'] ?? ''), body, headers: req.headers, answered: 0, at: Date.now() };
        this.received.push(entry);
        const answer = () => {
          if (res.destroyed) return;
          entry.answered = status;
          res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
        };
        if (delayMs) setTimeout(answer, delayMs).unref();
        else answer();
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  on2xx(path: string): ReceivedDelivery[] {
    return this.received.filter((d) => d.path === path && d.answered >= 200 && d.answered < 300);
  }

  at(path: string): ReceivedDelivery[] {
    return this.received.filter((d) => d.path === path);
  }

  /** Requests for an event that arrived after this path had already answered it with a 2xx. */
  duplicatesAfter2xx(paths?: string[]): ReceivedDelivery[] {
    const acked = new Map<string, number>();
    const dups: ReceivedDelivery[] = [];
    for (const d of [...this.received].sort((a, b) => a.at - b.at)) {
      if (paths && !paths.includes(d.path)) continue;
      const key = `${d.path} ${d.eventId}`;
      if (acked.has(key)) dups.push(d);
      if (d.answered >= 200 && d.answered < 300 && !acked.has(key)) acked.set(key, d.at);
    }
    return dups;
  }
}
