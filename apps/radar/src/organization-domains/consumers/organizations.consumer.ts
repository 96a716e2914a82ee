import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { OrganizationDomainWire, OrganizationWire } from '@wos/contracts';
import type { ConsumedEvent } from '@wos/platform';
import { OrganizationDomainsRepository, type DomainFact } from '../organization-domains.repository';

const CONSUMER = 'radar.organization-domains';

const factOf = (d: OrganizationDomainWire): DomainFact => ({ domainId: d.id, organizationId: d.organization_id, domain: d.domain, state: d.state, updatedAt: new Date(d.updated_at) });

/**
 * organizations.events.v1: each organization's domains and their verification state, for the
 * unverified_domain control. Events are keyed by the organization, so one organization's arrive
 * in order; the whole list (organization.*) and single domains (organization_domain.*) both apply.
 */
@Controller()
export class OrganizationEventsConsumer {
  constructor(private readonly domains: OrganizationDomainsRepository) {}

  @EventPattern('organization.created')
  created(@Payload() e: ConsumedEvent): Promise<void> {
    return this.replace(e, false);
  }

  @EventPattern('organization.updated')
  updated(@Payload() e: ConsumedEvent): Promise<void> {
    return this.replace(e, false);
  }

  @EventPattern('organization.deleted')
  deleted(@Payload() e: ConsumedEvent): Promise<void> {
    return this.replace(e, true);
  }

  @EventPattern('organization_domain.created')
  domainCreated(@Payload() e: ConsumedEvent): Promise<void> {
    return this.domain(e);
  }

  @EventPattern('organization_domain.updated')
  domainUpdated(@Payload() e: ConsumedEvent): Promise<void> {
    return this.domain(e);
  }

  @EventPattern('organization_domain.verified')
  domainVerified(@Payload() e: ConsumedEvent): Promise<void> {
    return this.domain(e);
  }

  @EventPattern('organization_domain.verification_failed')
  async domainFailed(@Payload() e: ConsumedEvent): Promise<void> {
    const d = (e.envelope.data as { organization_domain: OrganizationDomainWire }).organization_domain;
    await this.domains.applyDomain(e.envelope.environment_id, factOf(d), this.inbox(e));
  }

  @EventPattern('organization_domain.deleted')
  async domainDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    await this.domains.deleteDomain(e.envelope.environment_id, String(e.envelope.data.id), this.inbox(e));
  }

  private async replace(e: ConsumedEvent, deleted: boolean): Promise<void> {
    const org = e.envelope.data as unknown as OrganizationWire;
    await this.domains.replaceOrganization(e.envelope.environment_id, org.id, deleted ? null : (org.domains ?? []).map(factOf), this.inbox(e));
  }

  private async domain(e: ConsumedEvent): Promise<void> {
    await this.domains.applyDomain(e.envelope.environment_id, factOf(e.envelope.data as unknown as OrganizationDomainWire), this.inbox(e));
  }

  private inbox(e: ConsumedEvent) {
    return { consumer: CONSUMER, eventId: e.envelope.id };
  }
}
