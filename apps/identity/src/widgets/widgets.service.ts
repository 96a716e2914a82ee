import { Injectable } from '@nestjs/common';
import type { ApiKeyWire, ConnectionWire, CreatedApiKeyWire, ListEnvelope, OrganizationDomainWire } from '@wos/contracts';
import { DomainError, type PaginationQuery } from '@wos/platform';
import { MembershipsService } from '../memberships/memberships.service';
import type { OrganizationMembershipResponse, UpdateMembershipInput } from '../memberships/memberships.dto';
import { InvitationsService } from '../invitations/invitations.service';
import { ApiKeysService } from '../api-keys/api-keys.service';
import type { CreateOrganizationApiKeyInput } from '../api-keys/api-keys.dto';
import { WidgetServicesClient, type WidgetDirectory, type WidgetLogStream } from './widget-services.client';
import type { WidgetSession } from './widget-tokens.service';
import { toWidgetInvitation, type CreateWidgetDirectoryInput, type CreateWidgetLogStreamInput, type InviteMemberInput } from './widgets.dto';

const otherOrganization = (what: string) => new DomainError(403, 'widget_organization_mismatch', `This ${what} belongs to another organization than the widget token's.`);

/**
 * What the widgets do, each through the service the public API uses for the same change (so the
 * same validation, transactions and events), and each confined to the token's organization:
 * lists are filtered by it, a write names it itself (never the request), and an entity found by
 * ID must belong to it (403 otherwise; 404 when it does not exist in the token's environment).
 */
@Injectable()
export class WidgetsService {
  constructor(
    private readonly memberships: MembershipsService,
    private readonly invitations: InvitationsService,
    private readonly apiKeys: ApiKeysService,
    private readonly services: WidgetServicesClient,
  ) {}

  // ---- users table ----

  listMembers(s: WidgetSession, q: PaginationQuery): Promise<ListEnvelope<OrganizationMembershipResponse>> {
    return this.memberships.list(s.environmentId, { ...q, organization_id: s.organizationId });
  }

  /** The invitation comes from the token's user, when it names one. */
  async invite(s: WidgetSession, input: InviteMemberInput) {
    const inv = await this.invitations.send(s.environmentId, { ...input, organization_id: s.organizationId, ...(s.userId ? { inviter_user_id: s.userId } : {}) });
    return toWidgetInvitation(inv);
  }

  async listInvitations(s: WidgetSession, q: PaginationQuery) {
    const page = await this.invitations.list(s.environmentId, { ...q, organization_id: s.organizationId });
    return { ...page, data: page.data.map(toWidgetInvitation) };
  }

  async revokeInvitation(s: WidgetSession, id: string) {
    const inv = await this.invitations.get(s.environmentId, id);
    if (inv.organization_id !== s.organizationId) throw otherOrganization('invitation');
    return toWidgetInvitation(await this.invitations.revoke(s.environmentId, id));
  }

  /** Roles are checked against the authorization catalogue by MembershipsService.update. */
  async changeRole(s: WidgetSession, id: string, input: UpdateMembershipInput): Promise<OrganizationMembershipResponse> {
    await this.othersMembership(s, id);
    return this.memberships.update(s.environmentId, id, input);
  }

  async removeMember(s: WidgetSession, id: string): Promise<void> {
    await this.othersMembership(s, id);
    await this.memberships.delete(s.environmentId, id);
  }

  /**
   * A membership of the token's organization that is not the token user's own: the widget's user
   * cannot demote or remove themselves (and so lock the organization out of its admin).
   */
  private async othersMembership(s: WidgetSession, id: string): Promise<void> {
    const m = await this.memberships.get(s.environmentId, id);
    if (m.organization_id !== s.organizationId) throw otherOrganization('organization membership');
    if (m.user_id === s.userId) throw new DomainError(403, 'widget_own_membership', "The widget's user cannot change or remove their own membership.");
  }

  // ---- SSO ----

  connections(s: WidgetSession, q: PaginationQuery): Promise<ListEnvelope<ConnectionWire>> {
    return this.services.connectionsOf(s.environmentId, s.organizationId, queryOf(q));
  }

  // ---- domain verification ----

  async domains(s: WidgetSession): Promise<ListEnvelope<OrganizationDomainWire>> {
    const data = await this.services.domainsOf(s.environmentId, s.organizationId);
    return { object: 'list', data, list_metadata: { before: null, after: null } };
  }

  addDomain(s: WidgetSession, domain: string): Promise<OrganizationDomainWire> {
    return this.services.addDomain(s.environmentId, s.organizationId, domain);
  }

  async verifyDomain(s: WidgetSession, id: string): Promise<OrganizationDomainWire> {
    await this.ownDomain(s, id);
    return this.services.verifyDomain(s.environmentId, id);
  }

  async removeDomain(s: WidgetSession, id: string): Promise<void> {
    await this.ownDomain(s, id);
    await this.services.deleteDomain(s.environmentId, id);
  }

  private async ownDomain(s: WidgetSession, id: string): Promise<void> {
    const d = await this.services.getDomain(s.environmentId, id);
    if (d.organization_id !== s.organizationId) throw otherOrganization('organization domain');
  }

  // ---- API keys (the organization's own, not its members' keys) ----

  listApiKeys(s: WidgetSession, q: PaginationQuery): Promise<ListEnvelope<ApiKeyWire>> {
    return this.apiKeys.listForOrganization(s.environmentId, s.organizationId, q);
  }

  createApiKey(s: WidgetSession, input: CreateOrganizationApiKeyInput): Promise<CreatedApiKeyWire> {
    return this.apiKeys.createForOrganization(s.environmentId, s.organizationId, input);
  }

  async deleteApiKey(s: WidgetSession, id: string): Promise<void> {
    const key = await this.apiKeys.get(s.environmentId, id);
    if (key.owner.type !== 'organization' || key.owner.id !== s.organizationId) throw otherOrganization('API key');
    await this.apiKeys.delete(s.environmentId, id);
  }

  // ---- Directory Sync ----

  directories(s: WidgetSession): Promise<ListEnvelope<WidgetDirectory>> {
    return this.services.directoriesOf(s.environmentId, s.organizationId);
  }

  /** The SCIM bearer token is in this response only (directory-sync keeps it sealed). */
  createDirectory(s: WidgetSession, input: CreateWidgetDirectoryInput): Promise<WidgetDirectory> {
    return this.services.createDirectory(s.environmentId, { ...input, organization_id: s.organizationId });
  }

  async directory(s: WidgetSession, id: string): Promise<WidgetDirectory> {
    return this.ownDirectory(s, id);
  }

  async rotateDirectoryToken(s: WidgetSession, id: string): Promise<WidgetDirectory> {
    await this.ownDirectory(s, id);
    return this.services.rotateDirectoryToken(s.environmentId, id);
  }

  async deleteDirectory(s: WidgetSession, id: string): Promise<void> {
    await this.ownDirectory(s, id);
    await this.services.deleteDirectory(s.environmentId, id);
  }

  async directoryMembers(s: WidgetSession, kind: 'users' | 'groups', id: string, q: PaginationQuery): Promise<ListEnvelope<Record<string, unknown>>> {
    await this.ownDirectory(s, id);
    return this.services.directoryMembers(s.environmentId, kind, id, queryOf(q));
  }

  private async ownDirectory(s: WidgetSession, id: string): Promise<WidgetDirectory> {
    const d = await this.services.getDirectory(s.environmentId, id);
    if (d.organization_id !== s.organizationId) throw otherOrganization('directory');
    return d;
  }

  // ---- audit-log streaming ----

  logStreams(s: WidgetSession, q: PaginationQuery): Promise<ListEnvelope<WidgetLogStream>> {
    return this.services.logStreamsOf(s.environmentId, s.organizationId, queryOf(q));
  }

  /** audit-logs validates the type's config (URL rules, secrets it seals); its 422 passes through. */
  createLogStream(s: WidgetSession, input: CreateWidgetLogStreamInput): Promise<WidgetLogStream> {
    return this.services.createLogStream(s.environmentId, { ...input, organization_id: s.organizationId });
  }

  async deleteLogStream(s: WidgetSession, id: string): Promise<void> {
    const stream = await this.services.getLogStream(s.environmentId, id);
    if (stream.organization_id !== s.organizationId) throw otherOrganization('log stream');
    await this.services.deleteLogStream(s.environmentId, id);
  }
}

/** Validated pagination as query-string values (undefined ones left out). */
function queryOf(q: PaginationQuery): Record<string, string> {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
}
