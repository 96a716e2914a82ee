import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, newId, NotFoundError, OrganizationsClient, paginate, toListEnvelope, SecretBox } from '@wos/platform';
import { hasIdShape, type ConnectionWire, type ListEnvelope } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { SamlServiceProvider } from '../saml/saml-sp';
import { ConnectionsRepository } from './connections.repository';
import { connectionEvent } from './connections.events';
import { resolveOAuthSettings, resolveOidcSettings, resolveSamlSettings, type ResolvedSettings } from './connection-settings';
import {
  protocolOf,
  toConnectionWire,
  type ConnectionWithDomains,
  type CreateConnectionInput,
  type ListConnectionsQuery,
  type SamlSettings,
} from './connections.dto';

/** What the Admin Portal's SSO page shows: the organization's newest connection and, for SAML, our SP details. */
export interface PortalView {
  connection: ConnectionWire | null;
  sp: SpDetails | null;
}

export type SpDetails = Omit<SpMetadata, 'metadata_xml'>;

export interface SpMetadata {
  object: 'sp_metadata';
  connection_id: string;
  entity_id: string;
  acs_url: string;
  metadata_url: string;
  signing_certificate: string | null;
  /** Ours: the certificate the IdP encrypts assertions to (encrypt_assertions), or null. */
  encryption_certificate: string | null;
  metadata_xml: string;
}

/**
 * Connection rules. Invariants: state moves draft → active ⇄ inactive, and every move (and a
 * delete) writes its connection.* event to the outbox in the same transaction; a connection's
 * secret is stored only sealed, bound to its id.
 */
@Injectable()
export class ConnectionsService {
  constructor(
    private readonly repo: ConnectionsRepository,
    private readonly secrets: SecretBox,
    private readonly organizations: OrganizationsClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(environmentId: string, q: ListConnectionsQuery): Promise<ListEnvelope<ConnectionWire>> {
    const filters = { connectionType: q.connection_type, domain: q.domain, organizationId: q.organization_id };
    const page = await paginate(q, (req) => this.repo.list(environmentId, filters, req));
    return toListEnvelope(page, toConnectionWire);
  }

  async get(environmentId: string, id: string): Promise<ConnectionWire> {
    return toConnectionWire(await this.mustFind(environmentId, id));
  }

  async create(environmentId: string, input: CreateConnectionInput): Promise<ConnectionWire> {
    // The organization must exist in this environment (DESIGN.md rule 5: no cross-environment references).
    if (input.organization_id && !(await this.organizations.find(environmentId, input.organization_id))) {
      throw new NotFoundError('an organization', input.organization_id);
    }
    const id = newId('conn');
    const protocol = protocolOf(input.connection_type)!;
    let resolved: ResolvedSettings;
    if (protocol === 'saml') resolved = await resolveSamlSettings(id, input.saml!, this.config);
    else if (protocol === 'oidc') resolved = await resolveOidcSettings(input.oidc!, this.config);
    else resolved = await resolveOAuthSettings(input.oauth!, this.config);
    const now = new Date();
    const state = input.activate ? 'active' : 'draft';
    const row = {
      id,
      environmentId,
      organizationId: input.organization_id ?? null,
      name: input.name,
      connectionType: input.connection_type,
      protocol,
      state,
      settings: resolved.settings as object,
      sealedSecret: resolved.secret ? this.secrets.seal(resolved.secret, id) : null,
      createdAt: now,
      updatedAt: now,
    };
    const domains = (input.domains ?? []).map((domain) => ({ id: newId('conn_domain'), domain }));
    const preview = toConnectionWire({ ...row, settings: row.settings, domains: domains.map((d) => ({ ...d, environmentId, connectionId: id })) });
    const events = state === 'active' ? [connectionEvent('connection.activated', preview, environmentId)] : [];
    return toConnectionWire(await this.repo.create(row, domains, events));
  }

  async activate(environmentId: string, id: string): Promise<ConnectionWire> {
    return this.move(environmentId, id, 'active', 'connection.activated');
  }

  async deactivate(environmentId: string, id: string): Promise<ConnectionWire> {
    return this.move(environmentId, id, 'inactive', 'connection.deactivated');
  }

  async delete(environmentId: string, id: string): Promise<void> {
    if (!hasIdShape(id, 'conn')) throw new NotFoundError('a connection', id);
    const deleted = await this.repo.delete(environmentId, id, (c) => connectionEvent('connection.deleted', toConnectionWire(c), environmentId));
    if (!deleted) throw new NotFoundError('a connection', id);
  }

  /**
   * organization.deleted (M7): the organization's connections are deleted, as WorkOS deletes
   * them, each with its connection.deleted event, so no sign-in goes through them any more.
   * Deleting rather than deactivating leaves nothing an API caller could reactivate for an
   * organization that no longer exists. Idempotent per event through the inbox.
   */
  async deleteForDeletedOrganization(environmentId: string, organizationId: string, eventId: string): Promise<string[]> {
    const deleted = await this.repo.deleteForOrganization(environmentId, organizationId, { consumer: 'sso.organization-deleted', eventId }, (c) =>
      connectionEvent('connection.deleted', toConnectionWire(c), environmentId),
    );
    return deleted.map((c) => c.id);
  }

  async spMetadata(environmentId: string, id: string): Promise<SpMetadata> {
    return this.describeSp(await this.mustFind(environmentId, id));
  }

  /**
   * For the Admin Portal (internal): the connection `GET /connections?organization_id=&limit=1`
   * names, and what `sp_metadata` answers for it but the metadata XML (the page links the
   * metadata URL; building the XML opens the sealed SP key). Invariant: the environment is the
   * signed context's and the organization the path's, so another environment's or organization's
   * connection is never named; an unknown or malformed organization has `connection: null`.
   */
  async portalView(environmentId: string, organizationId: string): Promise<PortalView> {
    const c = hasIdShape(organizationId, 'org') ? await this.repo.newestOfOrganization(environmentId, organizationId) : null;
    if (!c) return { connection: null, sp: null };
    return { connection: toConnectionWire(c), sp: c.protocol === 'saml' ? spDetails(c) : null };
  }

  /** Public SP metadata XML for IdPs that import it by URL (unsigned route, no secrets in it). */
  async publicMetadataXml(id: string): Promise<string> {
    const c = hasIdShape(id, 'conn') ? await this.repo.findForCallback(id) : null;
    if (!c || c.protocol !== 'saml') throw new NotFoundError('a SAML connection', id);
    return this.describeSp(c).metadata_xml;
  }

  /** The active connection a sign-in names by ID, organization, provider type or domain. */
  async findForSignIn(environmentId: string, by: { id?: string; organizationId?: string; connectionType?: string; domain?: string }): Promise<ConnectionWithDomains | undefined> {
    if (by.id) {
      const c = hasIdShape(by.id, 'conn') ? await this.repo.findById(environmentId, by.id) : null;
      return c ?? undefined;
    }
    const found = await this.repo.findActive(environmentId, by);
    return found[0];
  }

  /** For unsigned callbacks: the row (and with it the environment) the URL's connection ID names. */
  async findForCallback(id: string): Promise<ConnectionWithDomains | undefined> {
    return (hasIdShape(id, 'conn') ? await this.repo.findForCallback(id) : null) ?? undefined;
  }

  /** The connection's secret (SP private key or client secret), opened under its row id. */
  openSecret(c: ConnectionWithDomains): string | undefined {
    return c.sealedSecret ? this.secrets.openString(c.sealedSecret, c.id) : undefined;
  }

  private describeSp(c: ConnectionWithDomains): SpMetadata {
    if (c.protocol !== 'saml') throw new ConflictError('not_a_saml_connection', `Connection ${c.id} is not a SAML connection.`);
    return { ...spDetails(c), metadata_xml: new SamlServiceProvider(c.settings as unknown as SamlSettings, 0, this.openSecret(c)).metadataXml() };
  }

  private async move(environmentId: string, id: string, state: 'active' | 'inactive', type: 'connection.activated' | 'connection.deactivated'): Promise<ConnectionWire> {
    if (!hasIdShape(id, 'conn')) throw new NotFoundError('a connection', id);
    const updated = await this.repo.transition(
      environmentId,
      id,
      (current) => (current.state === state ? undefined : { state }),
      (c) => connectionEvent(type, toConnectionWire(c), environmentId),
    );
    if (!updated) throw new NotFoundError('a connection', id);
    return toConnectionWire(updated);
  }

  private async mustFind(environmentId: string, id: string): Promise<ConnectionWithDomains> {
    const c = hasIdShape(id, 'conn') ? await this.repo.findById(environmentId, id) : null;
    if (!c) throw new NotFoundError('a connection', id);
    return c;
  }
}

/** A SAML connection's SP details, as `sp_metadata` gives them (without the XML). */
function spDetails(c: ConnectionWithDomains): SpDetails {
  const s = c.settings as unknown as SamlSettings;
  return {
    object: 'sp_metadata',
    connection_id: c.id,
    entity_id: s.sp_entity_id,
    acs_url: s.acs_url,
    metadata_url: s.sp_entity_id,
    signing_certificate: s.sign_requests ? (s.sp_certificate ?? null) : null,
    encryption_certificate: s.encrypt_assertions ? (s.sp_certificate ?? null) : null,
  };
}
