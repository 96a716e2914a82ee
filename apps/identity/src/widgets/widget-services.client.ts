import { Inject, Injectable } from '@nestjs/common';
import type { ConnectionWire, ListEnvelope, OrganizationDomainWire } from '@wos/contracts';
import { DomainError, internalAuthKeyFor, internalFetch } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

type Service = 'organizations' | 'sso';

/**
 * The public APIs of organizations (domains) and sso (connections) that the domain-verification
 * and SSO widgets act through, called with the environment signed as an API-key caller, as the
 * gateway would sign the same request: the same validation, the same writes, the same events.
 * Their 4xx answers pass through unchanged; an unreachable service is a 503.
 */
@Injectable()
export class WidgetServicesClient {
  private readonly services: Record<Service, { url: string; key: string }>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.services = {
      organizations: { url: config.ORGANIZATIONS_URL, key: internalAuthKeyFor(config, 'organizations') },
      sso: { url: config.SSO_URL, key: internalAuthKeyFor(config, 'sso') },
    };
  }

  async domainsOf(environmentId: string, organizationId: string): Promise<OrganizationDomainWire[]> {
    const org = await this.call<{ domains: OrganizationDomainWire[] }>('organizations', environmentId, 'GET', `/organizations/${encodeURIComponent(organizationId)}`);
    return org.domains;
  }

  getDomain(environmentId: string, id: string): Promise<OrganizationDomainWire> {
    return this.call('organizations', environmentId, 'GET', `/organization_domains/${encodeURIComponent(id)}`);
  }

  addDomain(environmentId: string, organizationId: string, domain: string): Promise<OrganizationDomainWire> {
    return this.call('organizations', environmentId, 'POST', '/organization_domains', { organization_id: organizationId, domain });
  }

  verifyDomain(environmentId: string, id: string): Promise<OrganizationDomainWire> {
    return this.call('organizations', environmentId, 'POST', `/organization_domains/${encodeURIComponent(id)}/verify`, {});
  }

  async deleteDomain(environmentId: string, id: string): Promise<void> {
    await this.call('organizations', environmentId, 'DELETE', `/organization_domains/${encodeURIComponent(id)}`);
  }

  /** One page of the organization's connections; `query` is the widget's validated pagination. */
  connectionsOf(environmentId: string, organizationId: string, query: Record<string, string>): Promise<ListEnvelope<ConnectionWire>> {
    return this.call('sso', environmentId, 'GET', `/connections?${new URLSearchParams({ ...query, organization_id: organizationId })}`);
  }

  private async call<T>(service: Service, environmentId: string, method: string, path: string, body?: unknown): Promise<T> {
    const { url, key } = this.services[service];
    let res: Response;
    try {
      res = await internalFetch(`${url}${path}`, { key, audience: service, environmentId }, {
        method,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      throw unavailable(service);
    }
    if (res.status >= 500) throw unavailable(service);
    const parsed = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.ok) return parsed as T;
    const { message, code, ...extra } = parsed;
    throw new DomainError(res.status, typeof code === 'string' ? code : 'request_refused', typeof message === 'string' ? message : `The ${service} service refused the request.`, extra);
  }
}

const unavailable = (service: Service) => new DomainError(503, 'service_unavailable', `The ${service} service is unavailable; retry the request.`);
