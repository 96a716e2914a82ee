import { Inject, Injectable } from '@nestjs/common';
import { appendToOutbox, newId, pgExecutor, pgTransaction, type OutboxMessage } from '@wos/platform';
import { hasIdShape } from '@wos/contracts';
import type { PoolClient } from 'pg';
import { APP_CONFIG, type AppConfig } from '../config';
import { compileScimFilter, type FilterAttributes } from '../scim-core/scim-filter';
import { ScimError } from '../scim-core/scim-errors';
import { applyPatch, normalizePatch, splitGroupPatch, type MemberChange } from '../scim-core/scim-patch';
import { mapScimGroup } from '../scim-core/scim-user.mapping';
import { DirectoryDataRepository } from '../shared/directory-data.repository';
import { previousAttributes, toGroupWire, toUserWire, type GroupRow } from '../shared/directory-data.dto';
import { groupEvent, groupUpdatedEvent, membershipEvent } from '../shared/dsync.events';
import { mapsGroup } from '../shared/directory-roles';
import { DirectoryRolesService } from '../shared/directory-roles.service';
import { listResponse, pageParams, toScimGroup, wantsMembers } from './scim.dto';
import type { ScimContext } from './scim-auth.service';

export const GROUP_FILTER_ATTRIBUTES: FilterAttributes = {
  id: { kind: 'text', sql: 'g.id', caseExact: true },
  displayName: { kind: 'text', sql: 'g.display_name', caseExact: false },
  externalId: { kind: 'text', sql: 'g.external_id', caseExact: true },
  'members.value': { kind: 'text_array', sql: 'ARRAY(SELECT lower(m.user_id) FROM directory_group_members m WHERE m.group_id = g.id)' },
  // Entra ID asks whether a user is in a group with `id eq "…" and members eq "<user id>"`.
  members: { kind: 'text_array', sql: 'ARRAY(SELECT lower(m.user_id) FROM directory_group_members m WHERE m.group_id = g.id)' },
};

/**
 * SCIM /Groups. Invariants: every change to one group (attributes and membership) runs under
 * that group's row lock, so overlapping PATCHes apply one after another and none loses members;
 * each membership change emits exactly one user_added or user_removed, in the same transaction.
 * No response carries more than SCIM_MAX_GROUP_MEMBERS members: a read of a larger group is a
 * 400 tooMany unless it excludes members, a list page ends before the group that would overflow
 * it, and a write answers without `members`.
 */
@Injectable()
export class ScimGroupsService {
  constructor(
    private readonly repo: DirectoryDataRepository,
    private readonly roles: DirectoryRolesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(ctx: ScimContext, query: Record<string, unknown>) {
    const { startIndex, count } = pageParams(query, 100, this.config.SCIM_MAX_PAGE_SIZE);
    if (query.filter !== undefined && typeof query.filter !== 'string') throw ScimError.badRequest('invalidFilter', 'Give one filter.');
    const where = query.filter ? compileScimFilter(query.filter as string, GROUP_FILTER_ATTRIBUTES, 3) : undefined;
    const { total, rows } = await this.repo.scimGroups(ctx.environmentId, ctx.directory.id, where, startIndex - 1, count);
    if (!wantsMembers(query)) return listResponse(rows.map((g) => toScimGroup(g, undefined, ctx.baseUrl)), total, startIndex);
    const { groups, members } = await this.pageWithMembers(ctx, rows);
    const byGroup = Map.groupBy(members, (m) => m.group_id);
    return listResponse(groups.map((g) => toScimGroup(g, byGroup.get(g.id) ?? [], ctx.baseUrl)), total, startIndex);
  }

  async get(ctx: ScimContext, id: string, query: Record<string, unknown>) {
    const g = hasIdShape(id, 'directory_group') ? await this.repo.findGroup(this.repo.pool, ctx.environmentId, ctx.directory.id, id) : null;
    if (!g) throw ScimError.notFound('Group', id);
    return this.render(ctx, g, wantsMembers(query), 'refuse');
  }

  async create(ctx: ScimContext, body: unknown) {
    const mapped = mapScimGroup(body);
    const now = new Date();
    const id = newId('directory_group');
    const row: GroupRow = {
      id, environment_id: ctx.environmentId, directory_id: ctx.directory.id, organization_id: ctx.directory.organization_id,
      idp_id: mapped.externalId ?? id, display_name: mapped.displayName, external_id: mapped.externalId, raw_attributes: mapped.raw, created_at: now, updated_at: now,
    };
    await pgTransaction(this.repo.pool, async (client) => {
      await this.repo.insertGroup(client, row);
      const events: OutboxMessage[] = [groupEvent('dsync.group.created', toGroupWire(row), ctx.environmentId)];
      if (mapped.members?.length) events.push(...(await this.applyMembers(client, ctx, row, [{ kind: 'add', ids: mapped.members }])));
      await appendToOutbox(pgExecutor(client), events);
    });
    return this.render(ctx, row, true, 'omit');
  }

  /** PUT replaces attributes; a `members` list replaces the membership (absent keeps it). */
  async replace(ctx: ScimContext, id: string, body: unknown) {
    const mapped = mapScimGroup(body);
    const changes: MemberChange[] = mapped.members ? [{ kind: 'set', ids: mapped.members }] : [];
    return this.change(ctx, id, () => ({ displayName: mapped.displayName, externalId: mapped.externalId, raw: mapped.raw }), changes, true);
  }

  async patch(ctx: ScimContext, id: string, body: unknown, query: Record<string, unknown>) {
    const { attributeOps, memberChanges } = splitGroupPatch(normalizePatch(body));
    return this.change(
      ctx,
      id,
      (current) => {
        if (!attributeOps.length) return undefined;
        const resource = { ...current.raw_attributes, displayName: current.display_name, ...(current.external_id !== null ? { externalId: current.external_id } : {}) };
        const patched = mapScimGroup(applyPatch(resource, attributeOps));
        return { displayName: patched.displayName, externalId: patched.externalId, raw: patched.raw };
      },
      memberChanges,
      wantsMembers(query),
    );
  }

  async delete(ctx: ScimContext, id: string): Promise<void> {
    if (!hasIdShape(id, 'directory_group')) throw ScimError.notFound('Group', id);
    await pgTransaction(this.repo.pool, async (client) => {
      const g = await this.repo.lockGroup(client, ctx.environmentId, ctx.directory.id, id);
      if (!g) throw ScimError.notFound('Group', id);
      const mapped = mapsGroup(ctx.directory.role_mappings, id);
      const formerMembers = mapped ? await this.repo.memberIds(client, id) : [];
      await this.repo.deleteGroup(client, ctx.environmentId, ctx.directory.id, id);
      // Members of a group that granted a role lose it with the group.
      const roleEvents = mapped ? await this.roles.recompute(client, this.roleScope(ctx), formerMembers) : [];
      await appendToOutbox(pgExecutor(client), [groupEvent('dsync.group.deleted', toGroupWire(g), ctx.environmentId), ...roleEvents]);
    });
  }

  private async change(
    ctx: ScimContext,
    id: string,
    attributes: (current: GroupRow) => { displayName: string; externalId: string | null; raw: Record<string, unknown> } | undefined,
    memberChanges: MemberChange[],
    withMembers: boolean,
  ) {
    if (!hasIdShape(id, 'directory_group')) throw ScimError.notFound('Group', id);
    const row = await pgTransaction(this.repo.pool, async (client) => {
      const current = await this.repo.lockGroup(client, ctx.environmentId, ctx.directory.id, id);
      if (!current) throw ScimError.notFound('Group', id);
      const events: OutboxMessage[] = [];
      let row = current;
      const next = attributes(current);
      if (next) {
        const candidate: GroupRow = { ...current, display_name: next.displayName, external_id: next.externalId, idp_id: next.externalId ?? current.id, raw_attributes: next.raw };
        const prev = previousAttributes(toGroupWire(current), toGroupWire(candidate));
        if (Object.keys(prev).length) {
          row = { ...candidate, updated_at: new Date() };
          await this.repo.updateGroup(client, row);
          events.push(groupUpdatedEvent(toGroupWire(row), prev, ctx.environmentId));
        }
      }
      events.push(...(await this.applyMembers(client, ctx, row, memberChanges)));
      await appendToOutbox(pgExecutor(client), events);
      return row;
    });
    return this.render(ctx, row, withMembers, 'omit');
  }

  /** Applies membership changes in order (the group row is locked); returns their events. */
  private async applyMembers(client: PoolClient, ctx: ScimContext, group: GroupRow, changes: MemberChange[]): Promise<OutboxMessage[]> {
    if (!changes.length) return [];
    const referenced = [...new Set(changes.flatMap((c) => (c.kind === 'clear' ? [] : c.ids)))];
    const known = await this.repo.existingUserIds(client, ctx.environmentId, ctx.directory.id, referenced);
    const unknown = changes.flatMap((c) => (c.kind === 'add' || c.kind === 'set' ? c.ids : [])).filter((x) => !known.has(x));
    if (unknown.length) throw ScimError.badRequest('invalidValue', `No user of this directory has the id ${unknown[0]}.`);
    const added: string[] = [];
    const removed: string[] = [];
    for (const c of changes) {
      if (c.kind === 'add') added.push(...(await this.repo.addMembers(client, ctx.directory.id, group.id, c.ids)));
      else if (c.kind === 'clear') removed.push(...(await this.repo.removeMembers(client, group.id, undefined)));
      else if (c.kind === 'remove') removed.push(...(await this.repo.removeMembers(client, group.id, c.ids.filter((x) => known.has(x)))));
      else {
        const wanted = new Set(c.ids);
        const current = await this.repo.memberIds(client, group.id);
        removed.push(...(await this.repo.removeMembers(client, group.id, current.filter((x) => !wanted.has(x)))));
        added.push(...(await this.repo.addMembers(client, ctx.directory.id, group.id, c.ids)));
      }
    }
    const users = new Map((await this.repo.usersByIds(client, ctx.environmentId, ctx.directory.id, [...new Set([...added, ...removed])])).map((u) => [u.id, toUserWire(u)]));
    const groupWire = toGroupWire(group);
    // A group that grants a role changes its joining and leaving members' roles.
    const roleEvents = mapsGroup(ctx.directory.role_mappings, group.id) ? await this.roles.recompute(client, this.roleScope(ctx), [...added, ...removed]) : [];
    return [
      ...removed.map((uid) => membershipEvent('dsync.group.user_removed', users.get(uid)!, groupWire, ctx.environmentId)),
      ...added.map((uid) => membershipEvent('dsync.group.user_added', users.get(uid)!, groupWire, ctx.environmentId)),
      ...roleEvents,
    ];
  }

  private roleScope(ctx: ScimContext) {
    return { environmentId: ctx.environmentId, directoryId: ctx.directory.id, mappings: ctx.directory.role_mappings };
  }

  /**
   * A group as SCIM, with its members when asked and when they fit. Over the cap a read refuses
   * (a client must not take a partial list for the membership) and a write, already committed,
   * answers without `members`.
   */
  private async render(ctx: ScimContext, g: GroupRow, withMembers: boolean, overCap: 'refuse' | 'omit') {
    if (!withMembers) return toScimGroup(g, undefined, ctx.baseUrl);
    const cap = this.config.SCIM_MAX_GROUP_MEMBERS;
    const members = await this.repo.membersOf(ctx.environmentId, [g.id], cap + 1);
    if (members.length <= cap) return toScimGroup(g, members, ctx.baseUrl);
    if (overCap === 'refuse') throw tooManyMembers(cap);
    return toScimGroup(g, undefined, ctx.baseUrl);
  }

  /**
   * The longest prefix of a list page whose members fit under the cap (RFC 7644 §3.4.2.4 lets a
   * page hold fewer resources than `count`; itemsPerPage says how many). A page never comes back
   * empty while groups remain: a first group over the cap alone is refused.
   */
  private async pageWithMembers(ctx: ScimContext, rows: GroupRow[]) {
    const cap = this.config.SCIM_MAX_GROUP_MEMBERS;
    const counts = await this.repo.memberCounts(rows.map((g) => g.id), cap + 1);
    const groups: GroupRow[] = [];
    let total = 0;
    for (const g of rows) {
      total += counts.get(g.id) ?? 0;
      if (total > cap) break;
      groups.push(g);
    }
    if (rows.length && !groups.length) throw tooManyMembers(cap);
    const members = await this.repo.membersOf(ctx.environmentId, groups.map((g) => g.id), cap + 1);
    // Members added between the count and the read can still overflow: refuse rather than exceed.
    if (members.length > cap) throw tooManyMembers(cap);
    return { groups, members };
  }
}

function tooManyMembers(cap: number): ScimError {
  return ScimError.badRequest('tooMany', `A response holds at most ${cap} group members. Ask with excludedAttributes=members, and find a user's groups with filter=members eq "<user id>".`);
}
