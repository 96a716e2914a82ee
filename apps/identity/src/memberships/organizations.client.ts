import { Inject, Injectable } from '@nestjs/common';
import { internalAuthKeyFor, NotFoundError, OrganizationsClient as PlatformOrganizationsClient, type OrganizationRef } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/**
 * Reads organizations from the organizations service (DESIGN.md rule 1: no shared database)
 * with the signed environment context, so another environment's organization is a 404 here too.
 */
@Injectable()
export class OrganizationsClient {
  private readonly client: PlatformOrganizationsClient;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = new PlatformOrganizationsClient(config.ORGANIZATIONS_URL, internalAuthKeyFor(config, 'organizations'));
  }

  find(environmentId: string, organizationId: string): Promise<OrganizationRef | null> {
    return this.client.find(environmentId, organizationId);
  }

  /** The organization holding this domain (any state), or null. */
  findByDomain(environmentId: string, domain: string): Promise<OrganizationRef | null> {
    return this.client.findByDomain(environmentId, domain);
  }

  async mustGet(environmentId: string, organizationId: string): Promise<OrganizationRef> {
    const org = await this.client.find(environmentId, organizationId);
    if (!org) throw new NotFoundError('an organization', organizationId);
    return org;
  }
}
