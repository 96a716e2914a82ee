import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { DomainError, internalAuthKeyFor, internalFetch, serviceUnavailable } from '@wos/platform';
import type { AppConfig } from '../config';

/** The services the console drives, each through its internal address (INTERNAL_CALLS.dashboard). */
export type Upstream = 'api-gateway' | 'organizations' | 'identity' | 'sso' | 'directory-sync' | 'events' | 'webhook-dispatcher' | 'audit-logs' | 'admin-portal';

export interface UpstreamResult<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface CallOptions {
  body?: unknown;
  /** The AuthKit code exchange is a public client's call (the built-in environment's client ID). */
  publicClientId?: string;
  /** The answer's body streams as it arrives (stream()), instead of being read whole first. */
  stream?: boolean;
}

/**
 * The console's only way to read or change anything outside its own tables: the owning
 * service's API, called with the environment signed exactly as the gateway signs an API-key
 * request, so the same validation, rules and events apply as for a customer's own call
 * (DESIGN.md rule 1). An unreachable service or a 5xx is a 503; a 4xx is returned for the page
 * to show. Plain class: the `wos dashboard bootstrap` command uses it without Nest.
 */
export class UpstreamClient {
  private readonly urls: Record<Upstream, string>;

  constructor(private readonly config: AppConfig) {
    this.urls = {
      'api-gateway': config.API_GATEWAY_URL,
      organizations: config.ORGANIZATIONS_URL,
      identity: config.IDENTITY_URL,
      sso: config.SSO_URL,
      'directory-sync': config.DIRECTORY_SYNC_URL,
      events: config.EVENTS_URL,
      'webhook-dispatcher': config.WEBHOOK_DISPATCHER_URL,
      'audit-logs': config.AUDIT_LOGS_URL,
      'admin-portal': config.ADMIN_PORTAL_URL,
    };
  }

  async call<T = Record<string, unknown>>(service: Upstream, environmentId: string, method: string, path: string, opts: CallOptions = {}): Promise<UpstreamResult<T>> {
    const res = await this.fetch(service, environmentId, method, path, opts);
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const body = text && /json/.test(type) ? JSON.parse(text) : text && /csv|text/.test(type) ? { text } : {};
    return { status: res.status, body: body as T };
  }

  /**
   * A GET whose answer is passed on as it arrives (a CSV export), never held whole in memory.
   * A refusal is a DomainError as with `must`; the stream is bounded by the same timeout.
   */
  async stream(service: Upstream, environmentId: string, path: string): Promise<{ body: Readable; contentType: string; contentDisposition: string | null }> {
    const res = await this.fetch(service, environmentId, 'GET', path, { stream: true });
    if (res.status >= 400 || !res.body) {
      const b = /json/.test(res.headers.get('content-type') ?? '') ? ((await res.json().catch(() => ({}))) as { message?: string; code?: string; errors?: unknown }) : {};
      throw new DomainError(res.status, String(b.code ?? 'upstream_refused'), String(b.message ?? `${service} refused the request.`), b.errors ? { errors: b.errors } : {});
    }
    return { body: Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), contentType: res.headers.get('content-type') ?? 'application/octet-stream', contentDisposition: res.headers.get('content-disposition') };
  }

  /** The signed request; an unreachable service or a 5xx is a 503. */
  private async fetch(service: Upstream, environmentId: string, method: string, path: string, opts: CallOptions): Promise<Response> {
    let res: Response;
    try {
      res = await internalFetch(
        `${this.urls[service]}${path}`,
        {
          key: internalAuthKeyFor(this.config, service),
          audience: service,
          environmentId,
          ...(opts.publicClientId ? { authKind: 'public_client' as const, clientId: opts.publicClientId } : { authKind: 'api_key' as const }),
        },
        {
          method,
          headers: opts.body === undefined ? {} : { 'content-type': 'application/json' },
          ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
          signal: AbortSignal.timeout(this.config.UPSTREAM_TIMEOUT_MS),
          stream: opts.stream,
        },
      );
    } catch {
      throw serviceUnavailable(service);
    }
    if (res.status >= 500) {
      await res.body?.cancel();
      throw serviceUnavailable(service);
    }
    return res;
  }

  /** A call that must succeed: a refusal becomes a DomainError with the service's own status, message and code. */
  async must<T = Record<string, unknown>>(service: Upstream, environmentId: string, method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const r = await this.call<T & { message?: string; code?: string; error?: string; error_description?: string; errors?: unknown }>(service, environmentId, method, path, opts);
    if (r.status >= 400) {
      const b = r.body;
      throw new DomainError(r.status, String(b.code ?? b.error ?? 'upstream_refused'), String(b.message ?? b.error_description ?? `${service} refused the request.`), b.errors ? { errors: b.errors } : {});
    }
    return r.body;
  }
}


/** A query string from defined values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
