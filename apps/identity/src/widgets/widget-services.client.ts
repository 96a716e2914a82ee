import { Inject, Injectable } from '@nestjs/common';
import type { ConnectionWire, ListEnvelope, OrganizationDomainWire } from '@wos/contracts';
import { DomainError, internalAuthKeyFor, internalFetch, serviceUnavailable } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

type Service = 'organizations' | 'sso' | 'directory-sync' | 'audit-logs';

/** A directory as directory-sync returns it (`bearer_token` only when it was just created or rotated). */
export interface WidgetDirectory {
  id: string;
  organization_id: string | null;
  [field: string]: unknown;
}

/** A log stream as audit-logs returns it (`secret` only in the create response). */
export interface WidgetLogStream {
  id: string;
  organization_id: string;
  [field: string]: unknown;
}

/**
 * The public APIs of organizations (domains), sso (connections), directory-sync (directories)
 * and audit-logs (log streams) that the widgets act through, called with the environment signed
 * as an API-key caller, as the gateway would sign the same request: the same validation, the
 * same writes, the same events. Their 4xx answers pass through unchanged; an unreachable (or
 * undeployed: its URL unset) service is a 503.
 */
@Injectable()
export class WidgetServicesClient {
  private readonly services: Record<Service, { url: string; key: string } | null>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const peer = (service: Service, url: string | undefined) => (url ? { url, key: internalAuthKeyFor(config, service) } : null);
    this.services = {
      organizations: peer('organizations', config.ORGANIZATIONS_URL),
      sso: peer('sso', config.SSO_URL),
      'directory-sync': peer('directory-sync', config.DIRECTORY_SYNC_URL),
      'audit-logs': peer('audit-logs', config.AUDIT_LOGS_URL),
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

  // ---- directories (directory-sync) ----

  directoriesOf(environmentId: string, organizationId: string): Promise<ListEnvelope<WidgetDirectory>> {
    return this.call('directory-sync', environmentId, 'GET', `/directories?${new URLSearchParams({ organization_id: organizationId, limit: '100' })}`);
  }

  getDirectory(environmentId: string, id: string): Promise<WidgetDirectory> {
    return this.call('directory-sync', environmentId, 'GET', `/directories/${encodeURIComponent(id)}`);
  }

  createDirectory(environmentId: string, body: Record<string, unknown>): Promise<WidgetDirectory> {
    return this.call('directory-sync', environmentId, 'POST', '/directories', body);
  }

  rotateDirectoryToken(environmentId: string, id: string): Promise<WidgetDirectory> {
    return this.call('directory-sync', environmentId, 'POST', `/directories/${encodeURIComponent(id)}/token`);
  }

  async deleteDirectory(environmentId: string, id: string): Promise<void> {
    await this.call('directory-sync', environmentId, 'DELETE', `/directories/${encodeURIComponent(id)}`);
  }

  /** One page of a directory's users or groups; `query` is the widget's validated pagination. */
  directoryMembers(environmentId: string, kind: 'users' | 'groups', directoryId: string, query: Record<string, string>): Promise<ListEnvelope<Record<string, unknown>>> {
    return this.call('directory-sync', environmentId, 'GET', `/directory_${kind}?${new URLSearchParams({ ...query, directory: directoryId })}`);
  }

  // ---- log streams (audit-logs) ----

  logStreamsOf(environmentId: string, organizationId: string, query: Record<string, string>): Promise<ListEnvelope<WidgetLogStream>> {
    return this.call('audit-logs', environmentId, 'GET', `/audit_logs/log_streams?${new URLSearchParams({ ...query, organization_id: organizationId })}`);
  }

  getLogStream(environmentId: string, id: string): Promise<WidgetLogStream> {
    return this.call('audit-logs', environmentId, 'GET', `/audit_logs/log_streams/${encodeURIComponent(id)}`);
  }

  createLogStream(environmentId: string, body: Record<string, unknown>): Promise<WidgetLogStream> {
    return this.call('audit-logs', environmentId, 'POST', '/audit_logs/log_streams', body);
  }

  async deleteLogStream(environmentId: string, id: string): Promise<void> {
    await this.call('audit-logs', environmentId, 'DELETE', `/audit_logs/log_streams/${encodeURIComponent(id)}`);
  }

  private async call<T>(service: Service, environmentId: string, method: string, path: string, body?: unknown): Promise<T> {
    const peer = this.services[service];
    if (!peer) throw serviceUnavailable(service);
    const { url, key } = peer;
    let res: Response;
    try {
      res = await internalFetch(`${url}${path}`, { key, audience: service, environmentId }, {
        method,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      throw serviceUnavailable(service);
    }
    if (res.status >= 500) throw serviceUnavailable(service);
    const parsed = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.ok) return parsed as T;
    const { message, code, ...extra } = parsed;
    throw new DomainError(res.status, typeof code === 'string' ? code : 'request_refused', typeof message === 'string' ? message : `The ${service} service refused the request.`, extra);
  }
}

