import { Inject, Injectable } from '@nestjs/common';
import { internalAuthKeyFor, NotFoundError, OrganizationsClient } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/**
 * Whether an organization exists in the caller's environment, asked of its owner (DESIGN.md
 * rule 1) before authorization writes a row scoped to it (organization roles, resources, groups).
 * Existence is cached per (environment, organization) for ORGANIZATION_CACHE_MS; absence is not.
 */
@Injectable()
export class KnownOrganizationsClient {
  private readonly client: OrganizationsClient;
  private readonly seen = new Map<string, number>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.client = new OrganizationsClient(config.ORGANIZATIONS_URL, internalAuthKeyFor(config, 'organizations'));
  }

  /** 404 entity_not_found for an organization this environment does not have; 503 when the organizations service is down. */
  async require(environmentId: string, organizationId: string): Promise<void> {
    const key = `${environmentId}\n${organizationId}`;
    const until = this.seen.get(key);
    if (until !== undefined && until > Date.now()) return;
    if (!(await this.client.find(environmentId, organizationId))) {
      this.seen.delete(key);
      throw new NotFoundError('an organization', organizationId);
    }
    if (this.seen.size >= 10_000) this.seen.clear(); // bounded: a cache, not a registry
    this.seen.set(key, Date.now() + this.config.ORGANIZATION_CACHE_MS);
  }

  /** The organization was deleted: this replica stops trusting it at once. */
  forget(environmentId: string, organizationId: string): void {
    this.seen.delete(`${environmentId}\n${organizationId}`);
  }
}
