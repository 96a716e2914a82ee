import { Topic, type OrganizationDomainWire, type OrganizationWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';

/* Organization events are keyed by the organization ID, so one organization's events stay in order. */

export function organizationEvent(
  type: 'organization.created' | 'organization.updated' | 'organization.deleted',
  org: OrganizationWire,
  environmentId: string,
): OutboxMessage {
  return { topic: Topic.organizations, key: org.id, event: buildEvent(type, org, environmentId) };
}

export function domainEvent(
  type: 'organization_domain.created' | 'organization_domain.updated' | 'organization_domain.deleted' | 'organization_domain.verified',
  domain: OrganizationDomainWire,
  environmentId: string,
): OutboxMessage {
  return { topic: Topic.organizations, key: domain.organization_id, event: buildEvent(type, domain, environmentId) };
}

export function domainVerificationFailedEvent(domain: OrganizationDomainWire, reason: string, environmentId: string): OutboxMessage {
  return {
    topic: Topic.organizations,
    key: domain.organization_id,
    event: buildEvent('organization_domain.verification_failed', { reason, organization_domain: domain }, environmentId),
  };
}
