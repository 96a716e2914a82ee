import { Injectable } from '@nestjs/common';
import { hasIdShape, type ListEnvelope } from '@wos/contracts';
import { NotFoundError, paginate, toListEnvelope } from '@wos/platform';
import { ApplicationsService } from '../connect/applications.service';
import { OrganizationsClient } from '../memberships/organizations.client';
import { UsersService } from '../users/users.service';
import { grantEntries, toAuthorizedApplicationWire, type AuthorizedApplicationWire, type ListAuthorizedApplicationsQuery } from './authorized-applications.dto';
import { AuthorizedApplicationsRepository } from './authorized-applications.repository';
import type { OidcGrant } from './oidc-provider.types';

/**
 * The Connect applications users authorized (the Java SDK's `listAuthorizedApplications` and
 * `deleteAuthorizedApplication`). The authorization server records each grant it saves;
 * revoking deletes the record and the user's grants and opaque tokens for that client, so the
 * application's refresh tokens stop working at once (JWT access tokens lapse at their expiry).
 */
@Injectable()
export class AuthorizedApplicationsService {
  constructor(
    private readonly repo: AuthorizedApplicationsRepository,
    private readonly applications: ApplicationsService,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsClient,
  ) {}

  /** Called by the consent step after oidc-provider saved the grant. */
  async record(environmentId: string, userId: string, clientId: string, grant: OidcGrant): Promise<void> {
    const app = await this.applications.findByClientId(environmentId, clientId);
    if (app) await this.repo.record(environmentId, userId, app.id, grantEntries(grant.getOIDCScope(), grant.resources));
  }

  async listForUser(environmentId: string, userId: string, query: ListAuthorizedApplicationsQuery): Promise<ListEnvelope<AuthorizedApplicationWire>> {
    await this.users.mustFind(environmentId, userId);
    const page = await paginate(query, (req) => this.repo.page(environmentId, { userId }, req));
    return toListEnvelope(page, (a) => toAuthorizedApplicationWire(a, a.application, false));
  }

  async listForOrganization(environmentId: string, organizationId: string, query: ListAuthorizedApplicationsQuery): Promise<ListEnvelope<AuthorizedApplicationWire>> {
    await this.organizations.mustGet(environmentId, organizationId);
    const page = await paginate(query, (req) => this.repo.page(environmentId, { organizationId }, req));
    return toListEnvelope(page, (a) => toAuthorizedApplicationWire(a, a.application, true));
  }

  async revoke(environmentId: string, userId: string, id: string): Promise<void> {
    const shaped = hasIdShape(id, 'conn_app') || hasIdShape(id, 'authorized_connect_app');
    if (!shaped || !hasIdShape(userId, 'user') || !(await this.repo.revoke(environmentId, userId, id))) throw new NotFoundError('an authorized application', id);
  }
}
