import { Inject, Injectable } from '@nestjs/common';
import { appendToOutbox, isUniqueViolation, ConflictError, NotFoundError, type OutboxMessage } from '@wos/platform';
import { hasIdShape, type OrganizationDomainWire } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { DnsTxtResolver } from '../dns/dns-txt.resolver';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import { toDomainWire } from '../organizations/organizations.dto';
import { domainEvent, domainVerificationFailedEvent } from '../organizations/organizations.events';
import { DomainsRepository } from './domains.repository';
import { newDomainRecord } from './domain-records';
import type { CreateDomainInput } from './domains.dto';

/**
 * Organization domains and their DNS verification. A pending domain is verified when a TXT
 * record at `<verification_prefix>.<domain>` equals its `verification_token`. Each committed
 * change drops its organization's cached read (OrganizationsRepository.changed).
 */
@Injectable()
export class DomainsService {
  constructor(
    private readonly repo: DomainsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly dns: DnsTxtResolver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async get(environmentId: string, id: string): Promise<OrganizationDomainWire> {
    const d = hasIdShape(id, 'org_domain') ? await this.repo.findById(environmentId, id) : null;
    if (!d) throw new NotFoundError('an organization domain', id);
    return toDomainWire(d);
  }

  async create(environmentId: string, input: CreateDomainInput): Promise<OrganizationDomainWire> {
    try {
      const created = await this.repo.transaction(async (tx) => {
        if (!(await this.repo.organizationExists(environmentId, input.organization_id, tx))) {
          throw new NotFoundError('an organization', input.organization_id);
        }
        const record = newDomainRecord(environmentId, input.organization_id, input.domain, 'pending', this.config.DOMAIN_VERIFICATION_PREFIX);
        const wire = toDomainWire(await this.repo.create(tx, record));
        await appendToOutbox(tx, [domainEvent('organization_domain.created', wire, environmentId)]);
        return wire;
      });
      this.organizations.changed(environmentId, input.organization_id);
      return created;
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('domain_already_in_use', `An Organization with the domain ${input.domain} already exists.`);
      throw err;
    }
  }

  /**
   * Looks the TXT record up outside any transaction (DNS can be slow), then applies the
   * outcome under a row lock. Already verified domains are returned unchanged.
   */
  async verify(environmentId: string, id: string): Promise<OrganizationDomainWire> {
    const before = await this.get(environmentId, id);
    if (before.state === 'verified') return before;
    const name = `${before.verification_prefix ?? this.config.DOMAIN_VERIFICATION_PREFIX}.${before.domain}`;
    const lookup = await this.dns.lookup(name);
    let failure: string | null = null;
    if (!lookup.ok) failure = lookup.reason;
    else if (!lookup.records.some((r) => r.trim() === before.verification_token)) failure = 'txt_record_mismatch';

    const verified = await this.repo.transaction(async (tx) => {
      const current = await this.repo.lockById(environmentId, id, tx);
      if (!current) throw new NotFoundError('an organization domain', id);
      if (current.state === 'verified') return toDomainWire(current);
      const updated = toDomainWire(await this.repo.setState(tx, environmentId, id, failure ? 'failed' : 'verified', failure));
      const events: OutboxMessage[] = failure
        ? [domainVerificationFailedEvent(updated, failure, environmentId)]
        : [domainEvent('organization_domain.verified', updated, environmentId)];
      if (current.state !== updated.state) events.push(domainEvent('organization_domain.updated', updated, environmentId));
      await appendToOutbox(tx, events);
      return updated;
    });
    this.organizations.changed(environmentId, verified.organization_id);
    return verified;
  }

  async delete(environmentId: string, id: string): Promise<void> {
    if (!hasIdShape(id, 'org_domain')) throw new NotFoundError('an organization domain', id);
    const organizationId = await this.repo.transaction(async (tx) => {
      const current = await this.repo.lockById(environmentId, id, tx);
      if (!current) throw new NotFoundError('an organization domain', id);
      await this.repo.delete(tx, environmentId, id);
      await appendToOutbox(tx, [domainEvent('organization_domain.deleted', toDomainWire(current), environmentId)]);
      return current.organizationId;
    });
    this.organizations.changed(environmentId, organizationId);
  }
}
