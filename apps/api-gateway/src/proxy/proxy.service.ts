import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import { Histogram } from 'prom-client';
import { bufferedDispatch, labelledObserver, registry, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { UPSTREAM_URL_VARIABLES, type UpstreamName } from '../routing/route.table';
import type { HeaderMap } from './proxy.headers';

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The service could not be reached (`unavailable`) or did not answer in time (`timeout`). */
export class UpstreamError extends Error {
  constructor(
    readonly kind: 'unavailable' | 'timeout',
    readonly upstream: UpstreamName,
    cause: Error,
  ) {
    super(`${upstream} ${kind}: ${cause.message}`, { cause });
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const CONNECT_TIMEOUT_MS = 10_000;

const observeUpstreamDuration = labelledObserver(new Histogram({
  name: 'gateway_upstream_duration_seconds',
  help: 'Time from forwarding a request to a service until its whole response arrived',
  labelNames: ['upstream', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  registers: [registry],
}));

/** A streaming response: status and headers now, the body as it arrives. */
export interface UpstreamStream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Dispatcher.ResponseData['body'];
}

/* A stream that sends nothing (not even its heartbeat) for this long is taken for dead. */
const STREAM_IDLE_TIMEOUT_MS = 60_000;

interface Upstream {
  pool: Pool;
  /** Streaming routes hold one connection each for their whole life, so they never take the request pool's. */
  streams: Pool;
  /** Path prefix of the configured URL (usually empty), prepended to every request path. */
  basePath: string;
}

/** One keep-alive undici Pool per service; responses are buffered whole (they are small JSON; bufferedDispatch). */
@Injectable()
export class ProxyService implements OnApplicationShutdown {
  private readonly upstreams = new Map<UpstreamName, Upstream>();
  private readonly openStreams = new Set<UpstreamStream['body']>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    for (const [name, variable] of Object.entries(UPSTREAM_URL_VARIABLES) as [UpstreamName, keyof AppConfig][]) {
      const url = new URL(String(config[variable]));
      const pool = new Pool(url.origin, {
        connections: config.UPSTREAM_CONNECTIONS,
        connect: { timeout: Math.min(CONNECT_TIMEOUT_MS, config.UPSTREAM_TIMEOUT_MS) },
      });
      const streams = new Pool(url.origin, {
        connections: config.UPSTREAM_STREAM_CONNECTIONS,
        connect: { timeout: Math.min(CONNECT_TIMEOUT_MS, config.UPSTREAM_TIMEOUT_MS) },
      });
      this.upstreams.set(name, { pool, streams, basePath: url.pathname.replace(/\/+$/, '') });
    }
  }

  async forward(
    name: UpstreamName,
    req: { method: string; path: string; headers: HeaderMap; body?: Buffer; requestId?: string },
    timeoutMs = this.config.UPSTREAM_TIMEOUT_MS,
  ): Promise<UpstreamResponse> {
    const upstream = this.upstreams.get(name)!;
    const started = process.hrtime.bigint();
    try {
      const res = await bufferedDispatch(upstream.pool, {
        method: req.method as Dispatcher.HttpMethod,
        path: upstream.basePath + req.path,
        headers: req.headers,
        body: req.body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      observeUpstreamDuration(Number(process.hrtime.bigint() - started) / 1e9, name, String(res.statusCode));
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (err) {
      const e = err as Error & { code?: string };
      const kind = e.code && TIMEOUT_CODES.has(e.code) ? 'timeout' : 'unavailable';
      observeUpstreamDuration(Number(process.hrtime.bigint() - started) / 1e9, name, kind);
      this.logger.warn({ upstream: name, code: e.code, err: e.message, request_id: req.requestId }, `upstream ${kind}`);
      throw new UpstreamError(kind, name, e);
    }
  }

  /**
   * Opens a streaming request (RouteEntry.stream): resolves with the status and headers, and the
   * body is read by the caller as it arrives. Open streams are tracked so the gateway can end
   * them when it closes (they would otherwise hold its HTTP server open).
   */
  async stream(name: UpstreamName, req: { method: string; path: string; headers: HeaderMap; requestId?: string }): Promise<UpstreamStream> {
    const upstream = this.upstreams.get(name)!;
    try {
      const res = await upstream.streams.request({
        method: req.method as Dispatcher.HttpMethod,
        path: upstream.basePath + req.path,
        headers: req.headers,
        headersTimeout: this.config.UPSTREAM_TIMEOUT_MS,
        bodyTimeout: STREAM_IDLE_TIMEOUT_MS,
      });
      this.openStreams.add(res.body);
      res.body.once('close', () => this.openStreams.delete(res.body));
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (err) {
      const e = err as Error & { code?: string };
      const kind = e.code && TIMEOUT_CODES.has(e.code) ? 'timeout' : 'unavailable';
      this.logger.warn({ upstream: name, code: e.code, err: e.message, request_id: req.requestId }, `upstream ${kind}`);
      throw new UpstreamError(kind, name, e);
    }
  }

  /** Ends every open stream (the clients see the stream end and reconnect elsewhere). */
  endStreams(): void {
    for (const body of this.openStreams) body.destroy();
    this.openStreams.clear();
  }

  /* After the HTTP server has closed (not at module destroy), so in-flight requests can finish. */
  async onApplicationShutdown(): Promise<void> {
    this.endStreams();
    await Promise.all([...this.upstreams.values()].flatMap((u) => [u.pool.close(), u.streams.destroy()]));
  }
}
