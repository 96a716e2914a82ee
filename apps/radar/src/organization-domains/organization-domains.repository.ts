import { Injectable } from '@nestjs/common';
import { claimInbox, pgExecutor, pgTransaction } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';

export interface DomainFact {
  domainId: string;
  organizationId: string;
  domain: string;
  state: string;
  updatedAt: Date;
}

/**
 * Radar's projection of organizations' domains (read on the hot path by AttemptsRepository).
 * Every change commits with its inbox claim, so a redelivered event changes nothing; a fact older
 * than the stored row (updated_at) does not overwrite it.
 */
@Injectable()
export class OrganizationDomainsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * An organization's whole domain list (organization.created / .updated): its rows become
   * exactly these; `null` (organization.deleted) removes them all.
   */
  replaceOrganization(environmentId: string, organizationId: string, domains: DomainFact[] | null, inbox: Inbox): Promise<boolean> {
    return this.claimed(inbox, async (client) => {
      const keep = (domains ?? []).map((d) => d.domainId);
      await client.query(`DELETE FROM radar_organization_domains WHERE environment_id = $1 AND organization_id = $2 AND NOT (domain_id = ANY($3::text[]))`, [environmentId, organizationId, keep]);
      for (const d of domains ?? []) await upsert(client, environmentId, d);
    });
  }

  /** One domain (organization_domain.created / .updated / .verified / .verification_failed). */
  applyDomain(environmentId: string, fact: DomainFact, inbox: Inbox): Promise<boolean> {
    return this.claimed(inbox, async (client) => {
      await upsert(client, environmentId, fact);
    });
  }

  /** organization_domain.deleted. */
  deleteDomain(environmentId: string, domainId: string, inbox: Inbox): Promise<boolean> {
    return this.claimed(inbox, async (client) => {
      await client.query(`DELETE FROM radar_organization_domains WHERE environment_id = $1 AND domain_id = $2`, [environmentId, domainId]);
    });
  }

  private claimed(inbox: Inbox, effect: (client: Parameters<Parameters<typeof pgTransaction>[1]>[0]) => Promise<void>): Promise<boolean> {
    return pgTransaction(this.prisma.pool, async (client) => {
      if (!(await claimInbox(pgExecutor(client), inbox.consumer, inbox.eventId))) return false;
      await effect(client);
      return true;
    });
  }
}

type Inbox = { consumer: string; eventId: string };

function upsert(client: { query: (text: string, values: unknown[]) => Promise<unknown> }, environmentId: string, d: DomainFact): Promise<unknown> {
  return client.query(
    `INSERT INTO radar_organization_domains (environment_id, domain_id, organization_id, domain, state, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (environment_id, domain_id) DO UPDATE SET organization_id = EXCLUDED.organization_id, domain = EXCLUDED.domain, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at
     WHERE radar_organization_domains.updated_at <= EXCLUDED.updated_at`,
    [environmentId, d.domainId, d.organizationId, d.domain.toLowerCase(), d.state, d.updatedAt],
  );
}
