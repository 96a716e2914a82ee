import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { DomainError, internalAuthKeyFor, internalCall, registry, serviceUnavailable, OrganizationsClient, type InternalAnswer } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/** The services whose public APIs the portal drives, each through its internal address. */
export type Upstream = 'sso' | 'directory-sync' | 'organizations' | 'audit-logs' | 'identity' | 'vault';

export interface UpstreamResult<T = Record<string, unknown>> {
  status: number;
  body: T;
  /** The Location of a redirect (`redirect: 'manual'`). */
  location?: string;
}

/* Every request `call` sends (what PortalSessionCache saves a warm page render; the e2e counts it). */
const upstreamCalls = new Counter({ name: 'portal_upstream_calls_total', help: "Requests the portal's pages send to other services' APIs, by service", labelNames: ['service'], registers: [registry] });

/**
 * The portal's only way to change anything outside its own tables: the owning service's API,
 * called with the environment signed exactly as the gateway signs an API-key request, so the
 * same validation, rules and events apply as for a customer's own call (DESIGN.md rule 1).
 * A service that cannot be reached, or answers 5xx, is a 503; a 4xx is returned for the page
 * to show.
 */
@Injectable()
export class UpstreamClient {
  readonly organizations: OrganizationsClient;
  private readonly urls: Record<Upstream, string>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.organizations = new OrganizationsClient(config.ORGANIZATIONS_URL, internalAuthKeyFor(config, 'organizations'));
    this.urls = {
      sso: config.SSO_URL,
      'directory-sync': config.DIRECTORY_SYNC_URL,
      organizations: config.ORGANIZATIONS_URL,
      'audit-logs': config.AUDIT_LOGS_URL,
      identity: config.IDENTITY_URL,
      vault: config.VAULT_URL,
    };
  }

  async call<T = Record<string, unknown>>(service: Upstream, environmentId: string, method: string, path: string, body?: unknown): Promise<UpstreamResult<T>> {
    let res: InternalAnswer;
    upstreamCalls.inc({ service });
    try {
      res = await internalCall(
        `${this.urls[service]}${path}`,
        { key: internalAuthKeyFor(this.config, service), audience: service, environmentId, authKind: 'api_key' },
        {
          method,
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          timeoutMs: this.config.UPSTREAM_TIMEOUT_MS,
        },
      );
    } catch {
      throw serviceUnavailable(service);
    }
    if (res.status >= 500) throw serviceUnavailable(service);
    const contentType = String(res.headers['content-type'] ?? '');
    const location = res.headers.location;
    // Redirects are never followed (internalCall): a 3xx is read with its Location.
    return { status: res.status, body: (res.body.length && /json/.test(contentType) ? JSON.parse(res.body.toString('utf8')) : {}) as T, location: typeof location === 'string' ? location : undefined };
  }

  /** A call that must succeed: a refusal becomes a DomainError with the service's own message and code. */
  async must<T = Record<string, unknown>>(service: Upstream, environmentId: string, method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.call<T & { message?: string; code?: string; errors?: unknown }>(service, environmentId, method, path, body);
    if (r.status >= 400) throw new DomainError(r.status, String(r.body.code ?? 'upstream_refused'), String(r.body.message ?? `${service} refused the request.`), r.body.errors ? { errors: r.body.errors } : {});
    return r.body;
  }
}

