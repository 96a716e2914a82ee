import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';
import { NotifiedCache, outboxInsertCte, registry, withOutboxNotify, type Logger, type OutboxMessage, type PageRequest, escapeLike } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { PrismaService } from '../infra/prisma.service';
import type { Organization, OrganizationDomain, Prisma } from '../generated/prisma/client';
import type { OrganizationWithDomains } from './organizations.dto';

export type Db = Prisma.TransactionClient | PrismaService;
const withDomains = { domains: { orderBy: { id: 'asc' } } } as const;

/* The channel the migration's triggers NOTIFY on (20261218110000_notify_organizations). */
export const ORGANIZATIONS_CHANNEL = 'organizations';
const MAX_CACHED = 10_000;
/* Backstop should a notification ever be missed; every write notifies. */
const CACHE_TTL_MS = 60_000;

/** The cache key of an organization's read; the triggers build the same string. */
export const organizationCacheKey = (environmentId: string, id: string) => `${environmentId} ${id}`;

const lookups = new Counter({ name: 'organizations_by_id_lookups_total', help: 'GET /organizations/:id reads, by where the row came from (cache, database)', labelNames: ['source'], registers: [registry] });

/**
 * The only Prisma caller for organizations. Every method takes the environment first.
 * GET /organizations/:id's read comes from a per-process cache kept coherent by NOTIFY
 * (NotifiedCache). Invariants:
 * - every insert, update and delete of organizations and organization_domains NOTIFYs the
 *   organization's key from a trigger, whoever writes (the API, the domain verification job, a
 *   consumer, a cascade, SQL); each notification drops it, milliseconds after the commit;
 * - read-your-writes on this replica: every write of the API (OrganizationsService,
 *   DomainsService) drops the organization's entry once committed (`changed`), so a GET sent
 *   after a write's answer reads it; another replica is at most one notification delivery behind;
 * - without a LISTEN connection every read goes to the database.
 */
@Injectable()
export class OrganizationsRepository implements OnModuleInit, OnModuleDestroy {
  private readonly byId: NotifiedCache<OrganizationWithDomains | null>;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.byId = new NotifiedCache({
      databaseUrl: config.DATABASE_URL,
      channel: ORGANIZATIONS_CHANNEL,
      load: (key) => {
        const at = key.indexOf(' ');
        return this.readById(key.slice(0, at), key.slice(at + 1));
      },
      maxEntries: MAX_CACHED,
      ttlMs: CACHE_TTL_MS,
      log: logger.child({ context: 'OrganizationsById' }),
      lookups,
    });
  }

  onModuleInit(): void {
    this.byId.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.byId.stop();
  }

  /** This process committed a change to the organization or its domains (its own write need not wait for the notification). */
  changed(environmentId: string, id: string): void {
    this.byId.forget(organizationCacheKey(environmentId, id));
  }

  transaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  /** The hot read (GET /organizations/:id), from the cache; callers must not modify it (it is shared). */
  findById(environmentId: string, id: string): Promise<OrganizationWithDomains | null> {
    return this.byId.get(organizationCacheKey(environmentId, id));
  }

  /*
   * One prepared statement on the pool under Prisma for the organization and its domains, where
   * `include` would cost two queries and Prisma's result processing (docs/benchmarks.md).
   */
  private async readById(environmentId: string, id: string): Promise<OrganizationWithDomains | null> {
    const { rows } = await this.prisma.pool.query<OrganizationRow>({ name: 'organization_by_id', text: ORGANIZATION_BY_ID, values: [id, environmentId] });
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /** The same read inside a transaction (after lockById). */
  async findByIdInTx(tx: Prisma.TransactionClient, environmentId: string, id: string): Promise<OrganizationWithDomains | null> {
    const rows = await tx.$queryRawUnsafe<OrganizationRow[]>(ORGANIZATION_BY_ID, id, environmentId);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  findByExternalId(environmentId: string, externalId: string): Promise<OrganizationWithDomains | null> {
    return this.prisma.organization.findFirst({ where: { environmentId, externalId }, include: withDomains });
  }

  /** Locks the row for the rest of the transaction, so concurrent updates apply one after another. */
  async lockById(environmentId: string, id: string, tx: Prisma.TransactionClient): Promise<boolean> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM organizations WHERE id = ${id} AND environment_id = ${environmentId} FOR UPDATE`;
    return rows.length === 1;
  }

  /** `namePrefix` (our `search` extension) takes the indexed SQL path; see searchByName. */
  list(environmentId: string, filter: { domains?: string[]; namePrefix?: string }, page: PageRequest): Promise<OrganizationWithDomains[]> {
    if (filter.namePrefix) return this.searchByName(environmentId, filter.namePrefix, filter.domains, page);
    const domains = filter.domains;
    const where: Prisma.OrganizationWhereInput = { environmentId };
    if (domains?.length) where.domains = { some: { domain: { in: domains } } };
    if (page.cursor) where.id = { [page.cursor.op]: page.cursor.id };
    return this.prisma.organization.findMany({ where, orderBy: { id: page.direction }, take: page.take, include: withDomains });
  }

  /**
   * Organizations whose lower-cased name starts with `prefix` (lower case; the DTO bounds its
   * length), one keyset page. LIKE's wildcards in the prefix are escaped, so it is a literal
   * prefix served by the (environment_id, lower(name) text_pattern_ops) index.
   */
  private async searchByName(environmentId: string, prefix: string, domains: string[] | undefined, page: PageRequest): Promise<OrganizationWithDomains[]> {
    const values: unknown[] = [environmentId, `${escapeLike(prefix)}%`];
    const where = ['o.environment_id = $1', 'lower(o.name) LIKE $2'];
    if (domains?.length) {
      values.push(domains);
      where.push(`EXISTS (SELECT 1 FROM organization_domains x WHERE x.organization_id = o.id AND x.domain = ANY($${values.length}))`);
    }
    if (page.cursor) {
      values.push(page.cursor.id);
      where.push(`o.id ${page.cursor.op === 'gt' ? '>' : '<'} $${values.length}`);
    }
    values.push(page.take);
    const text = `SELECT o.*, COALESCE(json_agg(d ORDER BY d.id) FILTER (WHERE d.id IS NOT NULL), '[]') AS domains
      FROM organizations o LEFT JOIN organization_domains d ON d.organization_id = o.id
      WHERE ${where.join(' AND ')}
      GROUP BY o.id ORDER BY o.id ${page.direction === 'asc' ? 'ASC' : 'DESC'} LIMIT $${values.length}`;
    const { rows } = await this.prisma.pool.query<OrganizationRow>(text, values);
    return rows.map(fromRow);
  }

  /**
   * Inserts an organization, its domains and its events in ONE statement: a single round trip,
   * atomic as any statement is (a unique violation anywhere writes nothing). Postgres runs every
   * data-modifying CTE to completion whether or not the final SELECT reads it.
   */
  async create(org: Organization, domains: OrganizationDomain[], events: OutboxMessage[]): Promise<void> {
    const outbox = outboxInsertCte(events, 16);
    const text = withOutboxNotify(`org AS (
        INSERT INTO organizations (id, environment_id, name, external_id, metadata, stripe_customer_id, allow_profiles_outside_organization, domain_capture, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $15, $8, $8) RETURNING id),
      domains AS (
        INSERT INTO organization_domains (id, environment_id, organization_id, domain, state, verification_strategy, verification_token, verification_prefix, created_at, updated_at)
        SELECT d.id, $2, (SELECT id FROM org), d.domain, d.state, d.strategy, d.token, d.prefix, $8, $8
        FROM unnest($9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[]) AS d(id, domain, state, strategy, token, prefix)
        RETURNING 1),
      ${outbox.cte}`);
    const col = <K extends keyof OrganizationDomain>(k: K) => domains.map((d) => d[k]);
    await this.prisma.pool.query(text, [
      org.id, org.environmentId, org.name, org.externalId, JSON.stringify(org.metadata), org.stripeCustomerId, org.allowProfilesOutsideOrganization, org.createdAt,
      col('id'), col('domain'), col('state'), col('verificationStrategy'), col('verificationToken'), col('verificationPrefix'), org.domainCapture, ...outbox.values,
    ]);
  }

  update(tx: Prisma.TransactionClient, environmentId: string, id: string, data: Prisma.OrganizationUncheckedUpdateInput): Promise<OrganizationWithDomains> {
    return tx.organization.update({ where: { id, environmentId }, data: { ...data, updatedAt: new Date() }, include: withDomains });
  }

  async delete(tx: Prisma.TransactionClient, environmentId: string, id: string): Promise<void> {
    await tx.organization.deleteMany({ where: { id, environmentId } });
  }

  async replaceDomains(
    tx: Prisma.TransactionClient,
    environmentId: string,
    organizationId: string,
    removeIds: string[],
    add: Prisma.OrganizationDomainUncheckedCreateInput[],
    markVerifiedIds: string[],
  ): Promise<void> {
    if (removeIds.length) await tx.organizationDomain.deleteMany({ where: { environmentId, organizationId, id: { in: removeIds } } });
    if (markVerifiedIds.length) {
      await tx.organizationDomain.updateMany({
        where: { environmentId, organizationId, id: { in: markVerifiedIds } },
        data: { state: 'verified', verificationStrategy: 'manual', failureReason: null, updatedAt: new Date() },
      });
    }
    if (add.length) await tx.organizationDomain.createMany({ data: add });
  }
}

type DomainJson = { [K in keyof OrganizationDomain as SnakeCase<K & string>]: unknown };
type SnakeCase<S extends string> = S extends `${infer H}${infer T}` ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeCase<T>}` : S;
/** Exported so the benchmark baseline runs exactly this statement. */
export const ORGANIZATION_BY_ID = `
  SELECT o.*, COALESCE(json_agg(d ORDER BY d.id) FILTER (WHERE d.id IS NOT NULL), '[]') AS domains
  FROM organizations o LEFT JOIN organization_domains d ON d.organization_id = o.id
  WHERE o.id = $1 AND o.environment_id = $2
  GROUP BY o.id`;

interface OrganizationRow {
  id: string;
  environment_id: string;
  name: string;
  external_id: string | null;
  metadata: Prisma.JsonValue;
  stripe_customer_id: string | null;
  allow_profiles_outside_organization: boolean;
  domain_capture: boolean;
  created_at: Date;
  updated_at: Date;
  domains: DomainJson[];
}

const orNull = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

function fromRow(r: OrganizationRow): OrganizationWithDomains {
  return {
    id: r.id,
    environmentId: r.environment_id,
    name: r.name,
    externalId: r.external_id,
    metadata: r.metadata,
    stripeCustomerId: r.stripe_customer_id,
    allowProfilesOutsideOrganization: r.allow_profiles_outside_organization,
    domainCapture: r.domain_capture,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    domains: r.domains.map((d) => ({
      id: d.id as string,
      environmentId: d.environment_id as string,
      organizationId: d.organization_id as string,
      domain: d.domain as string,
      state: d.state as string,
      verificationStrategy: d.verification_strategy as string,
      verificationToken: (d.verification_token as string | null) ?? null,
      verificationPrefix: (d.verification_prefix as string | null) ?? null,
      failureReason: (d.failure_reason as string | null) ?? null,
      lastVerificationAt: orNull(d.last_verification_at),
      createdAt: new Date(d.created_at as string),
      updatedAt: new Date(d.updated_at as string),
    })),
  };
}

