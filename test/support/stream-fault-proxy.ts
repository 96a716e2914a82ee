import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does with a request for the stream path. */
export type StreamMode = 'pass' | 'unavailable' | 'missing';

/**
 * A reverse proxy in front of a real gateway that can take the feature-flag stream away while
 * every other request (the SDK's polls) passes through untouched: `unavailable` answers the
 * stream path 503 (an outage), `missing` answers it 404 (a server without the stream, such as
 * WorkOS itself), and dropStreams() cuts the streams already open. It counts the requests per
 * path, so a test can tell reconnects and polls apart.
 */
export class StreamFaultProxy {
  mode: StreamMode = 'pass';
  private server?: Server;
  private readonly streams = new Set<Socket>();
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly upstreamPort: number,
    private readonly streamPath = '/sdk/feature-flags/stream',
  ) {}

  async start(): Promise<number> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return (this.server.address() as AddressInfo).port;
  }

  /** Requests seen for `path` (the query left out), answered or not. */
  count(path: string): number {
    return this.counts.get(path) ?? 0;
  }

  /** Cuts every stream open through the proxy, as a lost connection would. */
  dropStreams(): void {
    for (const socket of this.streams) socket.destroy();
    this.streams.clear();
  }

  async stop(): Promise<void> {
    this.dropStreams();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    this.counts.set(path, this.count(path) + 1);
    const isStream = path === this.streamPath;
    if (isStream && this.mode !== 'pass') {
      const [status, code] = this.mode === 'missing' ? [404, 'not_found'] : [503, 'service_unavailable'];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code, message: `the stream is ${this.mode} (test proxy)` }));
      return;
    }
    const upstream = request({ host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (isStream) res.flushHeaders();
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    if (isStream) {
      const socket = req.socket;
      this.streams.add(socket);
      // The socket is the stream's until the response ends (a kept-alive socket may serve polls after).
      res.once('close', () => {
        this.streams.delete(socket);
        upstream.destroy();
      });
    }
    req.pipe(upstream);
  }
}
