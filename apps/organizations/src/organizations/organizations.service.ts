import { Inject, Injectable } from '@nestjs/common';
import { appendToOutbox, isUniqueViolation, ConflictError, newId, NotFoundError, paginate, toListEnvelope, ValidationError } from '@wos/platform';
import { hasIdShape, type ListEnvelope, type OrganizationWire } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { newDomainRecord } from '../domains/domain-records';
import type { Prisma } from '../generated/prisma/client';
import { OrganizationsRepository } from './organizations.repository';
import { organizationEvent } from './organizations.events';
import {
  toOrganizationWire,
  type CreateOrganizationInput,
  type ListOrganizationsQuery,
  type OrganizationWithDomains,
  type UpdateOrganizationInput,
} from './organizations.dto';

/**
 * Organization rules. Invariant: every state change writes its event to the outbox in the same
 * transaction, so an organization never changes without its `organization.*` event.
 */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly repo: OrganizationsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(environmentId: string, query: ListOrganizationsQuery): Promise<ListEnvelope<OrganizationWire>> {
    const page = await paginate(query, (req) => this.repo.list(environmentId, { domains: query.domains, namePrefix: query.search }, req));
    return toListEnvelope(page, toOrganizationWire);
  }

  async get(environmentId: string, id: string): Promise<OrganizationWire> {
    return toOrganizationWire(await this.mustFind(environmentId, id));
  }

  async getByExternalId(environmentId: string, externalId: string): Promise<OrganizationWire> {
    const org = await this.repo.findByExternalId(environmentId, externalId);
    if (!org) throw new NotFoundError('an organization', externalId);
    return toOrganizationWire(org);
  }

  async create(environmentId: string, input: CreateOrganizationInput): Promise<OrganizationWire> {
    const now = new Date();
    const org: OrganizationWithDomains = {
      id: newId('org'),
      environmentId,
      name: input.name,
      externalId: input.external_id ?? null,
      metadata: dropNulls(input.metadata ?? {}),
      stripeCustomerId: input.stripe_customer_id ?? null,
      allowProfilesOutsideOrganization: input.allow_profiles_outside_organization ?? false,
      domainCapture: input.domain_capture ?? false,
      createdAt: now,
      updatedAt: now,
      domains: [],
    };
    // The domains share the organization's timestamps: the repository writes them with one clock value.
    org.domains = (input.domain_data ?? []).map((d) => newDomainRecord(environmentId, org.id, d.domain, d.state, this.config.DOMAIN_VERIFICATION_PREFIX, now));
    const wire = toOrganizationWire(org);
    const { domains, ...row } = org;
    await this.conflictsAs409(() => this.repo.create(row, domains, [organizationEvent('organization.created', wire, environmentId)]), input);
    this.repo.changed(environmentId, org.id);
    return wire;
  }

  async update(environmentId: string, id: string, input: UpdateOrganizationInput): Promise<OrganizationWire> {
    if (!hasIdShape(id, 'org')) throw new NotFoundError('an organization', id);
    const updated = await this.conflictsAs409(() => this.repo.transaction(async (tx) => {
      if (!(await this.repo.lockById(environmentId, id, tx))) throw new NotFoundError('an organization', id);
      const current = (await this.repo.findByIdInTx(tx, environmentId, id))!;
      if (input.domain_data) await this.syncDomains(tx, environmentId, current, input.domain_data);
      const data: Prisma.OrganizationUncheckedUpdateInput = {};
      if (input.name !== undefined) data.name = input.name;
      if (input.external_id !== undefined) data.externalId = input.external_id;
      if (input.stripe_customer_id !== undefined) data.stripeCustomerId = input.stripe_customer_id;
      if (input.allow_profiles_outside_organization !== undefined) data.allowProfilesOutsideOrganization = input.allow_profiles_outside_organization;
      if (input.domain_capture !== undefined) data.domainCapture = input.domain_capture;
      if (input.metadata !== undefined) data.metadata = mergeMetadata(current.metadata as Record<string, string>, input.metadata);
      const org = await this.repo.update(tx, environmentId, id, data);
      const wire = toOrganizationWire(org);
      await appendToOutbox(tx, [organizationEvent('organization.updated', wire, environmentId)]);
      return wire;
    }), input);
    this.repo.changed(environmentId, id);
    return updated;
  }

  async delete(environmentId: string, id: string): Promise<void> {
    if (!hasIdShape(id, 'org')) throw new NotFoundError('an organization', id);
    await this.repo.transaction(async (tx) => {
      if (!(await this.repo.lockById(environmentId, id, tx))) throw new NotFoundError('an organization', id);
      const org = (await this.repo.findByIdInTx(tx, environmentId, id))!;
      await this.repo.delete(tx, environmentId, id);
      await appendToOutbox(tx, [organizationEvent('organization.deleted', toOrganizationWire(org), environmentId)]);
    });
    this.repo.changed(environmentId, id);
  }

  private async mustFind(environmentId: string, id: string): Promise<OrganizationWithDomains> {
    const org = hasIdShape(id, 'org') ? await this.repo.findById(environmentId, id) : null;
    if (!org) throw new NotFoundError('an organization', id);
    return org;
  }

  /** `domain_data` on update is the complete new set: missing domains go, new ones come. */
  private async syncDomains(
    tx: Prisma.TransactionClient,
    environmentId: string,
    current: OrganizationWithDomains,
    wanted: { domain: string; state: 'verified' | 'pending' }[],
  ): Promise<void> {
    const byName = new Map(current.domains.map((d) => [d.domain, d]));
    const wantedNames = new Set(wanted.map((w) => w.domain));
    const removeIds = current.domains.filter((d) => !wantedNames.has(d.domain)).map((d) => d.id);
    const add = wanted
      .filter((w) => !byName.has(w.domain))
      .map((w) => newDomainRecord(environmentId, current.id, w.domain, w.state, this.config.DOMAIN_VERIFICATION_PREFIX));
    const markVerified = wanted.filter((w) => w.state === 'verified' && byName.get(w.domain)?.state !== 'verified').map((w) => byName.get(w.domain)?.id).filter((x): x is string => !!x);
    await this.repo.replaceDomains(tx, environmentId, current.id, removeIds, add, markVerified);
  }

  /** Runs a write and turns unique-index races into the 409s WorkOS returns. */
  private async conflictsAs409<T>(write: () => Promise<T>, input: { domain_data?: { domain: string }[]; external_id?: string | null }): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err, 'domain')) {
        const names = (input.domain_data ?? []).map((d) => d.domain).join(', ');
        throw new ConflictError('domain_already_in_use', `An Organization with the domain ${names} already exists.`);
      }
      if (isUniqueViolation(err, 'external_id')) {
        throw new ConflictError('external_id_already_in_use', `An Organization with the external_id ${input.external_id} already exists.`);
      }
      throw err;
    }
  }
}

function dropNulls(m: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).filter((e): e is [string, string] => e[1] !== null && e[1] !== ''));
}

/** Metadata updates merge: a key set to null or "" is removed, others are set. */
function mergeMetadata(current: Record<string, string>, patch: Record<string, string | null>): Record<string, string> {
  const merged: Record<string, string | null> = { ...current, ...patch };
  const result = dropNulls(merged);
  if (Object.keys(result).length > 50) {
    throw new ValidationError([{ field: 'metadata', code: 'metadata_too_many_keys', message: 'An organization can hold at most 50 metadata keys.' }]);
  }
  return result;
}
