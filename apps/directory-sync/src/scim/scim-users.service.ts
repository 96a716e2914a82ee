import { Inject, Injectable } from '@nestjs/common';
import { appendToOutbox, isUniqueViolation, newId, pgExecutor, pgTransaction } from '@wos/platform';
import { hasIdShape } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { compileScimFilter, type FilterAttributes } from '../scim-core/scim-filter';
import { ScimError } from '../scim-core/scim-errors';
import { applyPatch, normalizePatch } from '../scim-core/scim-patch';
import { mapScimUser, type MappedUser } from '../scim-core/scim-user.mapping';
import { DirectoryDataRepository } from '../shared/directory-data.repository';
import { previousAttributes, toGroupWire, toUserWire, type UserRow } from '../shared/directory-data.dto';
import { membershipEvent, userEvent, userUpdatedEvent } from '../shared/dsync.events';
import { effectiveRoles } from '../shared/directory-roles';
import { listResponse, pageParams, toScimUser } from './scim.dto';
import type { ScimContext } from './scim-auth.service';

export const USER_FILTER_ATTRIBUTES: FilterAttributes = {
  id: { kind: 'text', sql: 'u.id', caseExact: true },
  userName: { kind: 'text', sql: 'u.user_name', caseExact: false },
  externalId: { kind: 'text', sql: 'u.external_id', caseExact: true },
  'emails.value': { kind: 'text_array', sql: 'u.emails' },
  emails: { kind: 'text_array', sql: 'u.emails' },
  displayName: { kind: 'text', sql: "(u.raw_attributes->>'displayName')", caseExact: false },
  'name.givenName': { kind: 'text', sql: 'u.first_name', caseExact: false },
  'name.familyName': { kind: 'text', sql: 'u.last_name', caseExact: false },
  active: { kind: 'boolean', sql: "u.state = 'active'" },
};

/**
 * SCIM /Users. Invariants: each change and its dsync.* events commit together; a user's changes
 * are serialised by a row lock; a change that alters nothing emits nothing.
 */
@Injectable()
export class ScimUsersService {
  constructor(
    private readonly repo: DirectoryDataRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(ctx: ScimContext, query: Record<string, unknown>) {
    const { startIndex, count } = pageParams(query, 100, this.config.SCIM_MAX_PAGE_SIZE);
    if (query.filter !== undefined && typeof query.filter !== 'string') throw ScimError.badRequest('invalidFilter', 'Give one filter.');
    const where = query.filter ? compileScimFilter(query.filter as string, USER_FILTER_ATTRIBUTES, 3) : undefined;
    const { total, rows } = await this.repo.scimUsers(ctx.environmentId, ctx.directory.id, where, startIndex - 1, count);
    return listResponse(rows.map((u) => toScimUser(u, ctx.baseUrl)), total, startIndex);
  }

  async get(ctx: ScimContext, id: string) {
    return toScimUser(await this.mustFind(ctx, id), ctx.baseUrl);
  }

  async create(ctx: ScimContext, body: unknown) {
    const mapped = mapScimUser(body);
    const now = new Date();
    const id = newId('directory_user');
    const row: UserRow = { ...this.columns(mapped, id), id, environment_id: ctx.environmentId, directory_id: ctx.directory.id, organization_id: ctx.directory.organization_id, created_at: now, updated_at: now };
    try {
      await this.repo.insertUser(row, [userEvent('dsync.user.created', toUserWire(row), ctx.environmentId)]);
    } catch (err) {
      if (isUniqueViolation(err, 'user_name')) throw new ScimError(409, `A user with the userName ${mapped.userName} already exists in this directory.`, 'uniqueness');
      throw err;
    }
    return toScimUser(row, ctx.baseUrl);
  }

  /** PUT replaces the resource with the body. */
  replace(ctx: ScimContext, id: string, body: unknown) {
    return this.change(ctx, id, () => mapScimUser(body));
  }

  patch(ctx: ScimContext, id: string, body: unknown) {
    const ops = normalizePatch(body);
    return this.change(ctx, id, (current) => {
      const resource = { ...current.raw_attributes, userName: current.user_name, ...(current.external_id !== null ? { externalId: current.external_id } : {}), active: current.state === 'active' };
      return mapScimUser(applyPatch(resource, ops));
    });
  }

  /**
   * Invariant: every group the user leaves gets its user_removed in this transaction, including a
   * membership added concurrently. The FOR UPDATE lock keeps new memberships out until commit (or
   * lets an insert already under way commit first), and the memberships are deleted explicitly
   * with RETURNING rather than by cascade, so the events name exactly the rows this transaction
   * removed: none missed, none also removed by a concurrent group change.
   */
  async delete(ctx: ScimContext, id: string): Promise<void> {
    if (!hasIdShape(id, 'directory_user')) throw ScimError.notFound('User', id);
    await pgTransaction(this.repo.pool, async (client) => {
      const user = await this.repo.lockUserForDelete(client, ctx.environmentId, ctx.directory.id, id);
      if (!user) throw ScimError.notFound('User', id);
      const groups = await this.repo.groupsByIds(client, ctx.environmentId, await this.repo.removeMembershipsOfUser(client, ctx.directory.id, id));
      await this.repo.deleteUser(client, ctx.environmentId, ctx.directory.id, id);
      const wire = toUserWire(user);
      await appendToOutbox(pgExecutor(client), [
        ...groups.map((g) => membershipEvent('dsync.group.user_removed', wire, toGroupWire(g), ctx.environmentId)),
        userEvent('dsync.user.deleted', wire, ctx.environmentId),
      ]);
    });
  }

  private async change(ctx: ScimContext, id: string, next: (current: UserRow) => MappedUser) {
    if (!hasIdShape(id, 'directory_user')) throw ScimError.notFound('User', id);
    try {
      const row = await pgTransaction(this.repo.pool, async (client) => {
        const current = await this.repo.lockUser(client, ctx.environmentId, ctx.directory.id, id);
        if (!current) throw ScimError.notFound('User', id);
        const mapped = next(current);
        const mappings = ctx.directory.role_mappings;
        const roles = mappings.length ? effectiveRoles(mapped.roles, await this.repo.groupIdsOfUser(client, id), mappings) : mapped.roles;
        const updated: UserRow = { ...current, ...this.columns(mapped, id), roles, updated_at: current.updated_at };
        const before = toUserWire(current);
        const prev = previousAttributes(before, toUserWire(updated));
        if (!Object.keys(prev).length) return current;
        updated.updated_at = new Date();
        await this.repo.updateUser(client, updated);
        await appendToOutbox(pgExecutor(client), [userUpdatedEvent(toUserWire(updated), prev, ctx.environmentId)]);
        return updated;
      });
      return toScimUser(row, ctx.baseUrl);
    } catch (err) {
      if (isUniqueViolation(err, 'user_name')) throw new ScimError(409, 'Another user in this directory has that userName.', 'uniqueness');
      throw err;
    }
  }

  private columns(m: MappedUser, id: string) {
    return {
      idp_id: m.externalId ?? id,
      user_name: m.userName,
      external_id: m.externalId,
      emails: m.emails,
      email: m.email,
      first_name: m.firstName,
      last_name: m.lastName,
      state: m.state,
      custom_attributes: m.customAttributes,
      raw_attributes: m.raw,
      roles: m.roles,
    };
  }

  private async mustFind(ctx: ScimContext, id: string): Promise<UserRow> {
    const u = hasIdShape(id, 'directory_user') ? await this.repo.findUser(this.repo.pool, ctx.environmentId, ctx.directory.id, id) : null;
    if (!u) throw ScimError.notFound('User', id);
    return u;
  }
}
