import { Injectable } from '@nestjs/common';
import { appendToOutbox, ConflictError, DomainError, newId, NotFoundError, paginate, toListEnvelope, BadRequestError, isUniqueViolation } from '@wos/platform';
import { hasIdShape, type ListEnvelope } from '@wos/contracts';
import type { OrganizationMembership } from '../generated/prisma/client';
import { UsersService } from '../users/users.service';
import { MembershipsRepository, type MembershipWithUser, type Tx } from './memberships.repository';
import { membershipEvent } from './memberships.events';
import { OrganizationsClient } from './organizations.client';
import { RoleClaimsService } from '../role-claims/role-claims.service';
import {
  DEFAULT_ROLE,
  toMembershipResponse,
  toMembershipWire,
  type CreateMembershipInput,
  type ListMembershipsQuery,
  type MembershipSource,
  type OrganizationMembershipResponse,
  type UpdateMembershipInput,
} from './memberships.dto';

/** A membership granted by a sign-in or an invitation rather than the REST API. */
export interface MembershipGrant {
  userId: string;
  organization: { id: string; name: string };
  source: Exclude<MembershipSource, 'api'>;
  sourceConnectionId?: string | null;
  /** From `grantableRoles`: validated against the catalogue where authorization runs. */
  roleSlugs: string[];
}

/** What a directory says about one of its users' membership (`absent`: the user left the directory). */
export interface DirectoryMembership {
  userId: string;
  organization: { id: string; name: string };
  /** Null keeps the current roles (a user the directory deactivated). */
  roleSlugs: string[] | null;
  state: 'active' | 'inactive' | 'absent';
}

/**
 * Runs in the transaction that ends a user's access to an organization (membership deleted or
 * deactivated: `userId` set; organization deleted: `userId` null, every member). The API-key
 * module registers one, so keys never outlive the membership they were issued under.
 */
export type AccessEndedHook = (tx: Tx, environmentId: string, organizationId: string, userId: string | null) => Promise<void>;

/**
 * Organization memberships (WORKOS_API.md §7.8). Invariants: a user is a member of an organization
 * at most once; the organization exists in the caller's environment (asked of the organizations
 * service); every change writes its `organization_membership.*` event in the same transaction.
 */
@Injectable()
export class MembershipsService {
  constructor(
    private readonly repo: MembershipsRepository,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsClient,
    private readonly roleClaims: RoleClaimsService,
  ) {
    users.setMemberLookup((env, org) => this.repo.userIdsOf(env, org));
  }

  private readonly accessEndedHooks: AccessEndedHook[] = [];

  /** Another module's effect of a membership ending, in the same transaction (no import cycle). */
  onAccessEnded(hook: AccessEndedHook): void {
    this.accessEndedHooks.push(hook);
  }

  private async accessEnded(tx: Tx, environmentId: string, organizationId: string, userId: string | null): Promise<void> {
    for (const hook of this.accessEndedHooks) await hook(tx, environmentId, organizationId, userId);
  }

  // ---- API for the authenticate flow, sign-ins and invitations ----

  activeForUser(environmentId: string, userId: string): Promise<OrganizationMembership[]> {
    return this.repo.activeForUser(environmentId, userId);
  }

  /** The user's membership in the organization, whatever its status, or null. */
  findFor(environmentId: string, userId: string, organizationId: string): Promise<OrganizationMembership | null> {
    return this.repo.findFor(environmentId, userId, organizationId);
  }

  /** The active membership of the user in the organization, or null. */
  async activeFor(environmentId: string, userId: string, organizationId: string): Promise<OrganizationMembership | null> {
    const m = await this.repo.findFor(environmentId, userId, organizationId);
    return m?.status === 'active' ? m : null;
  }

  /**
   * The role slugs of a membership granted by a sign-in or an invitation: the wanted ones the
   * catalogue still knows, else the environment's default role (RoleClaimsService.grantableSlugs).
   * Asked before the grant's transaction (an HTTP call never runs inside one).
   */
  grantableRoles(environmentId: string, organizationId: string, wanted: string[] = []): Promise<string[]> {
    return this.roleClaims.grantableSlugs(environmentId, organizationId, wanted);
  }

  /**
   * Grants a sign-in's membership (SSO just-in-time, domain capture) with the environment's
   * default role, unless the user already has one in the organization (then nothing is asked
   * of authorization, so an existing member's sign-in never depends on it).
   */
  async grantOnSignIn(environmentId: string, g: Omit<MembershipGrant, 'roleSlugs'>): Promise<void> {
    if (await this.repo.findFor(environmentId, g.userId, g.organization.id)) return;
    const roleSlugs = await this.grantableRoles(environmentId, g.organization.id);
    await this.repo.transaction((tx) => this.grant(tx, environmentId, { ...g, roleSlugs }));
  }

  /**
   * Makes the user an active member inside the caller's transaction, with its event. An existing
   * membership is left as it is (an inactive one is not reactivated behind an admin's back).
   * Returns the active membership, or null when an inactive or pending one exists.
   */
  async grant(tx: Tx, environmentId: string, g: MembershipGrant): Promise<OrganizationMembership | null> {
    const now = new Date();
    const created = await this.repo.insertIfAbsent(tx, {
      id: newId('om'),
      environmentId,
      userId: g.userId,
      organizationId: g.organization.id,
      organizationName: g.organization.name,
      status: 'active',
      roleSlugs: g.roleSlugs,
      source: g.source,
      sourceConnectionId: g.sourceConnectionId ?? null,
      createdAt: now,
      updatedAt: now,
    });
    if (created) {
      await appendToOutbox(tx, [membershipEvent('organization_membership.created', toMembershipWire(created), environmentId)]);
      return created;
    }
    const existing = await this.repo.findFor(environmentId, g.userId, g.organization.id, tx);
    return existing?.status === 'active' ? existing : null;
  }

  /**
   * Sets the membership the organization's directory provisioned to what the directory says
   * (directory-provisioning/), inside the caller's transaction, with its event. Invariant: only a
   * membership the directory granted (source `directory`) is changed or deleted; one an admin, an
   * invitation or a sign-in granted keeps its status and roles whatever the directory sends.
   */
  async applyDirectory(tx: Tx, environmentId: string, d: DirectoryMembership): Promise<'created' | 'updated' | 'deleted' | 'unchanged' | 'not_from_directory'> {
    const existing = await this.repo.findFor(environmentId, d.userId, d.organization.id, tx);
    if (!existing) {
      if (d.state !== 'active' || !d.roleSlugs) return 'unchanged';
      const now = new Date();
      const created = await this.repo.insertIfAbsent(tx, {
        id: newId('om'), environmentId, userId: d.userId, organizationId: d.organization.id, organizationName: d.organization.name,
        status: 'active', roleSlugs: d.roleSlugs, source: 'directory', sourceConnectionId: null, createdAt: now, updatedAt: now,
      });
      if (!created) return 'unchanged';
      await appendToOutbox(tx, [membershipEvent('organization_membership.created', toMembershipWire(created), environmentId)]);
      return 'created';
    }
    if (existing.source !== 'directory') return 'not_from_directory';
    const m = (await this.repo.lock(tx, environmentId, existing.id))!;
    if (d.state === 'absent') {
      await this.repo.delete(tx, environmentId, m.id);
      await appendToOutbox(tx, [membershipEvent('organization_membership.deleted', toMembershipWire(m), environmentId)]);
      await this.accessEnded(tx, environmentId, m.organizationId, m.userId);
      return 'deleted';
    }
    const roleSlugs = d.roleSlugs ?? m.roleSlugs;
    if (m.status === d.state && m.roleSlugs.join(',') === roleSlugs.join(',')) return 'unchanged';
    const updated = await this.repo.update(tx, environmentId, m.id, { status: d.state, roleSlugs });
    if (d.state === 'inactive' && m.status !== 'inactive') await this.accessEnded(tx, environmentId, m.organizationId, m.userId);
    await appendToOutbox(tx, [membershipEvent('organization_membership.updated', toMembershipWire(updated), environmentId)]);
    return 'updated';
  }

  /**
   * organization.deleted: every membership of the organization goes, each with its
   * `organization_membership.deleted` event, in the caller's transaction.
   */
  async removeAllOf(tx: Tx, environmentId: string, organizationId: string): Promise<number> {
    const gone = await this.repo.lockByOrganization(tx, environmentId, organizationId);
    await this.repo.deleteByOrganization(tx, environmentId, organizationId);
    // After the memberships' row locks: a key being created under one of them has committed (or gave up).
    await this.accessEnded(tx, environmentId, organizationId, null);
    if (!gone.length) return 0;
    await appendToOutbox(tx, gone.map((m) => membershipEvent('organization_membership.deleted', toMembershipWire(m), environmentId)));
    return gone.length;
  }

  /**
   * One page of every membership of the environment in ID order, as its events carry it, for
   * authorization's backfill of memberships made before it was deployed. `after` is null on the
   * last page.
   */
  async exportPage(environmentId: string, after: string | null, limit: number): Promise<{ data: ReturnType<typeof toMembershipWire>[]; after: string | null }> {
    const rows = await this.repo.pageInIdOrder(environmentId, after, limit);
    return { data: rows.map(toMembershipWire), after: rows.length === limit ? rows.at(-1)!.id : null };
  }

  // ---- REST ----

  async list(environmentId: string, q: ListMembershipsQuery): Promise<ListEnvelope<OrganizationMembershipResponse>> {
    const page = await paginate(q, (req) => this.repo.list(environmentId, { organizationId: q.organization_id, userId: q.user_id, statuses: q.statuses }, req));
    return toListEnvelope(page, toMembershipResponse);
  }

  async get(environmentId: string, id: string): Promise<OrganizationMembershipResponse> {
    const m = hasIdShape(id, 'om') ? await this.repo.findWithUser(environmentId, id) : null;
    if (!m) throw new NotFoundError('an organization membership', id);
    return toMembershipResponse(m);
  }

  async create(environmentId: string, input: CreateMembershipInput): Promise<OrganizationMembershipResponse> {
    const user = await this.users.mustFind(environmentId, input.user_id);
    const org = await this.organizations.mustGet(environmentId, input.organization_id);
    // Validated against the catalogue (422). None named: `member`, as the API has always given.
    const roleSlugs = input.role_slugs ?? [input.role_slug ?? DEFAULT_ROLE];
    await this.roleClaims.validate(environmentId, org.id, roleSlugs);
    const now = new Date();
    try {
      const m = await this.repo.create(
        {
          id: newId('om'),
          environmentId,
          userId: user.id,
          organizationId: org.id,
          organizationName: org.name,
          status: 'active',
          roleSlugs,
          source: 'api',
          createdAt: now,
          updatedAt: now,
        },
        (row) => [membershipEvent('organization_membership.created', toMembershipWire(row), environmentId)],
      );
      return toMembershipResponse({ ...m, user });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('organization_membership_already_exists', `The user ${input.user_id} is already a member of the organization ${input.organization_id}.`);
      throw err;
    }
  }

  /** Role slugs checked against authorization's catalogue (422 for an unknown one), for invitations. */
  validateRoleSlugs(environmentId: string, organizationId: string, roleSlugs: string[]): Promise<void> {
    return this.roleClaims.validate(environmentId, organizationId, roleSlugs);
  }

  /** New role slugs are validated against authorization's catalogue before the row is locked. */
  async update(environmentId: string, id: string, input: UpdateMembershipInput): Promise<OrganizationMembershipResponse> {
    const roleSlugs = input.role_slugs ?? (input.role_slug !== undefined ? [input.role_slug] : undefined);
    if (roleSlugs && hasIdShape(id, 'om')) {
      const current = await this.repo.findWithUser(environmentId, id);
      if (current) await this.roleClaims.validate(environmentId, current.organizationId, roleSlugs);
    }
    return this.change(environmentId, id, () => (roleSlugs ? { roleSlugs } : {}));
  }

  deactivate(environmentId: string, id: string): Promise<OrganizationMembershipResponse> {
    return this.change(environmentId, id, (m) => {
      if (m.status === 'pending') throw new BadRequestError('cannot_deactivate_pending_organization_membership', 'A pending organization membership cannot be deactivated.');
      return { status: 'inactive' };
    });
  }

  reactivate(environmentId: string, id: string): Promise<OrganizationMembershipResponse> {
    return this.change(environmentId, id, (m) => {
      if (m.status === 'pending') throw new BadRequestError('cannot_reactivate_pending_organization_membership', 'A pending organization membership cannot be reactivated.');
      return { status: 'active' };
    });
  }

  async delete(environmentId: string, id: string): Promise<void> {
    if (!hasIdShape(id, 'om')) throw new NotFoundError('an organization membership', id);
    await this.repo.transaction(async (tx) => {
      const m = await this.repo.lock(tx, environmentId, id);
      if (!m) throw new NotFoundError('an organization membership', id);
      await this.repo.delete(tx, environmentId, id);
      await appendToOutbox(tx, [membershipEvent('organization_membership.deleted', toMembershipWire(m), environmentId)]);
      await this.accessEnded(tx, environmentId, m.organizationId, m.userId);
    });
  }

  /** Applies a change under a row lock; an empty or no-op change writes nothing and emits nothing. */
  private async change(environmentId: string, id: string, patch: (m: OrganizationMembership) => { status?: string; roleSlugs?: string[] }): Promise<OrganizationMembershipResponse> {
    if (!hasIdShape(id, 'om')) throw new NotFoundError('an organization membership', id);
    return this.repo.transaction(async (tx) => {
      const m = await this.repo.lock(tx, environmentId, id);
      if (!m) throw new NotFoundError('an organization membership', id);
      const data = patch(m);
      const same = (data.status === undefined || data.status === m.status) && (data.roleSlugs === undefined || data.roleSlugs.join(',') === m.roleSlugs.join(','));
      if (same) return toMembershipResponse(m);
      const updated: MembershipWithUser = { ...(await this.repo.update(tx, environmentId, id, data)), user: m.user };
      await appendToOutbox(tx, [membershipEvent('organization_membership.updated', toMembershipWire(updated), environmentId)]);
      if (data.status === 'inactive') await this.accessEnded(tx, environmentId, m.organizationId, m.userId);
      return toMembershipResponse(updated);
    });
  }
}

/** 422 for a user who is not an active member of the organization a key or a widget token is for. */
export function membershipRequired(): DomainError {
  return new DomainError(422, 'organization_membership_required', 'The user must have an active membership in the organization.', {
    errors: [{ field: 'organization_id', code: 'organization_membership_required' }],
  });
}
