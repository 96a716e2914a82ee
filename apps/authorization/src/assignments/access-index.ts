import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';
import { NotifiedCache, registry, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import type { ResourceRef } from '../authz-core/resource-ref';
import { PrismaService } from '../infra/prisma.service';
import { OrganizationAccess, type OrganizationAccessRows } from './organization-access';

/* The channel the migration's triggers NOTIFY on (20261205100000_notify_access_index). */
export const ACCESS_INDEX_CHANNEL = 'authz_access';
/* Backstop should a notification ever be missed; every write notifies. */
const TTL_MS = 300_000;
/* Membership -> organization pairs remembered (a membership never changes organization). */
const MAX_MEMBERSHIPS = 1_000_000;

/*
 * A load is parsed on the event loop (about 3 ms per 1,000 rows). An organization whose last
 * load took AUTHZ_CHECK_INDEX_SLOW_LOAD_MS (5) or more is loaded again only RELOAD_SPACING times
 * that long after it; until then its checks go to the statement. So a large organization that
 * changes often costs the replica at most 1/RELOAD_SPACING of its time in reloads; a small one
 * always reloads.
 */
const RELOAD_SPACING = 50;
const MAX_SLOW_LOADS = 100_000;

/** Whether an organization may be (re)loaded now, given its last slow load. */
export function mayLoad(lastSlowLoad: { at: number; ms: number } | undefined, now: number): boolean {
  return !lastSlowLoad || now - lastSlowLoad.at >= lastSlowLoad.ms * RELOAD_SPACING;
}

const checks = new Counter({ name: 'authz_checks_total', help: 'Checks answered, by source (memory: the access index; database: the check statement)', labelNames: ['source'], registers: [registry] });

/**
 * One organization's rows, in one statement. Each part is cut at $3 rows, so that an organization
 * too large for the index is recognised without reading it all ($3 = the per-organization limit + 1).
 */
const LOAD_SQL = `WITH mem AS (SELECT id, status, role_slugs FROM authz_memberships WHERE environment_id = $1 AND organization_id = $2 LIMIT $3),
  res AS (SELECT id, parent_id, resource_type_slug, external_id FROM authz_resources WHERE environment_id = $1 AND organization_id = $2 LIMIT $3),
  gr AS (SELECT g.organization_membership_id, g.role_id, g.resource_id FROM authz_membership_grants g
    WHERE g.organization_membership_id IN (SELECT id FROM authz_memberships WHERE environment_id = $1 AND organization_id = $2) LIMIT $3),
  ro AS (SELECT r.id, r.slug, (r.organization_id IS NULL OR r.organization_id = $2) AS eligible,
      ARRAY(SELECT p.slug FROM authz_role_permissions rp JOIN authz_permissions p ON p.id = rp.permission_id WHERE rp.role_id = r.id AND p.environment_id = $1) AS permissions
    FROM authz_roles r WHERE r.environment_id = $1 AND (r.organization_id IS NULL OR r.organization_id = $2 OR r.id IN (SELECT role_id FROM gr)))
SELECT (SELECT coalesce(json_agg(json_build_array(id, parent_id, resource_type_slug, external_id)), '[]') FROM res) AS resources,
  (SELECT coalesce(json_agg(json_build_array(id, status, role_slugs)), '[]') FROM mem) AS memberships,
  (SELECT coalesce(json_agg(json_build_array(organization_membership_id, role_id, resource_id)), '[]') FROM gr) AS grants,
  (SELECT coalesce(json_agg(json_build_array(id, slug, permissions, eligible)), '[]') FROM ro) AS roles`;

/** An organization over the per-organization limit: its checks go to the database. */
const TOO_LARGE = null;

/**
 * Answers checks from memory: one OrganizationAccess per organization, loaded on its first check
 * and dropped by the NOTIFY of any change to a row it was built from (NotifiedCache; the triggers
 * notify `<environment> <organization>`, or `<environment>` for the environment's catalogue).
 * Invariants:
 * - an answer from memory is never staler than one notification delivery, on any replica; on the
 *   replica that wrote, not at all (its writes await `fence()` before they answer);
 * - without a LISTEN connection, for an organization over AUTHZ_CHECK_INDEX_ORGANIZATION_MAX_ROWS
 *   or too soon after its last slow load (mayLoad), and for an unknown membership or resource,
 *   the check statement answers (undefined here);
 * - memory is bounded: at most AUTHZ_CHECK_INDEX_MAX_ROWS rows across organizations (the oldest
 *   loaded goes first), and MAX_MEMBERSHIPS membership -> organization pairs.
 */
@Injectable()
export class AccessIndex implements OnModuleInit, OnModuleDestroy {
  private readonly organizations: NotifiedCache<OrganizationAccess | typeof TOO_LARGE>;
  private readonly organizationOf = new Map<string, string>();
  /* Organization key -> its last load that took AUTHZ_CHECK_INDEX_SLOW_LOAD_MS or more. */
  private readonly slowLoads = new Map<string, { at: number; ms: number }>();
  private readonly enabled: boolean;
  private readonly organizationMaxRows: number;
  private readonly slowLoadMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly prisma: PrismaService,
  ) {
    this.enabled = config.AUTHZ_CHECK_INDEX_MAX_ROWS > 0;
    this.organizationMaxRows = config.AUTHZ_CHECK_INDEX_ORGANIZATION_MAX_ROWS;
    this.slowLoadMs = config.AUTHZ_CHECK_INDEX_SLOW_LOAD_MS;
    this.organizations = new NotifiedCache({
      databaseUrl: config.DATABASE_URL,
      channel: ACCESS_INDEX_CHANNEL,
      // Keys are `<environment> <organization>`; the environment is their scope.
      scopesOf: (key) => [key.slice(0, key.indexOf(' '))],
      load: (key) => this.load(key),
      weigh: (access) => access?.rows ?? 1,
      maxWeight: config.AUTHZ_CHECK_INDEX_MAX_ROWS,
      maxEntries: 1_000_000,
      ttlMs: TTL_MS,
      log: logger.child({ context: AccessIndex.name }),
    });
  }

  onModuleInit(): void {
    if (this.enabled) this.organizations.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.organizations.stop();
  }

  /** True while checks may be answered from memory (enabled, and the LISTEN connection up). */
  get serving(): boolean {
    return this.enabled && this.organizations.serving;
  }

  /** True or false from memory; undefined when the check statement must answer. */
  async check(environmentId: string, membershipId: string, permissionSlug: string, ref: ResourceRef): Promise<boolean | undefined> {
    const answer = this.serving ? await this.fromMemory(environmentId, membershipId, permissionSlug, ref) : undefined;
    checks.inc({ source: answer === undefined ? 'database' : 'memory' });
    return answer;
  }

  /** Resolves once every change committed before the call has reached this replica's index. */
  fence(): Promise<void> {
    return this.enabled ? this.organizations.fence() : Promise.resolve();
  }

  private async fromMemory(environmentId: string, membershipId: string, permissionSlug: string, ref: ResourceRef): Promise<boolean | undefined> {
    const memberKey = `${environmentId} ${membershipId}`;
    const organizationId = this.organizationOf.get(memberKey) ?? (await this.findOrganization(environmentId, membershipId));
    if (organizationId === undefined) return undefined;
    const key = `${environmentId} ${organizationId}`;
    if (!this.organizations.has(key) && !mayLoad(this.slowLoads.get(key), Date.now())) return undefined;
    const access = await this.organizations.get(key);
    const answer = access?.check(membershipId, permissionSlug, ref);
    // A membership gone from its organization (deleted): forget the pair; the statement answers.
    if (access && !access.hasMember(membershipId)) this.organizationOf.delete(memberKey);
    return answer;
  }

  private async findOrganization(environmentId: string, membershipId: string): Promise<string | undefined> {
    const { rows } = await this.prisma.pool.query<{ organization_id: string }>({
      name: 'authz_index_membership_organization',
      text: 'SELECT organization_id FROM authz_memberships WHERE environment_id = $1 AND id = $2',
      values: [environmentId, membershipId],
    });
    const organizationId = rows[0]?.organization_id;
    // Remembered here too: an organization kept out of the index must not cost this query per check.
    if (organizationId !== undefined) this.remember(`${environmentId} ${membershipId}`, organizationId);
    return organizationId;
  }

  private async load(key: string): Promise<OrganizationAccess | typeof TOO_LARGE> {
    const space = key.indexOf(' ');
    const environmentId = key.slice(0, space);
    const organizationId = key.slice(space + 1);
    const started = performance.now();
    const { rows } = await this.prisma.pool.query<OrganizationAccessRows>({
      name: 'authz_index_load_organization',
      text: LOAD_SQL,
      values: [environmentId, organizationId, this.organizationMaxRows + 1],
    });
    const data = rows[0]!;
    if (Math.max(data.resources.length, data.memberships.length, data.grants.length) > this.organizationMaxRows) return TOO_LARGE;
    const access = new OrganizationAccess(data);
    for (const membershipId of access.membershipIds()) this.remember(`${environmentId} ${membershipId}`, organizationId);
    const ms = performance.now() - started;
    this.slowLoads.delete(key);
    if (ms >= this.slowLoadMs) {
      if (this.slowLoads.size >= MAX_SLOW_LOADS) this.slowLoads.delete(this.slowLoads.keys().next().value!);
      this.slowLoads.set(key, { at: Date.now(), ms });
    }
    return access;
  }

  private remember(memberKey: string, organizationId: string): void {
    if (this.organizationOf.size >= MAX_MEMBERSHIPS && !this.organizationOf.has(memberKey)) this.organizationOf.delete(this.organizationOf.keys().next().value!);
    this.organizationOf.set(memberKey, organizationId);
  }
}
