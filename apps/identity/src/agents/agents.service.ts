import { Injectable } from '@nestjs/common';
import { newId, NotFoundError, paginate, toListEnvelope } from '@wos/platform';
import type { AgentBlueprint } from '../generated/prisma/client';
import {
  toBlueprintWire,
  toInstanceWire,
  toSessionWire,
  type CreateBlueprintInput,
  type LinkClaimAttemptInput,
  type ListInstancesQuery,
  type ListSessionsQuery,
  type UpdateBlueprintInput,
} from './agents.dto';
import { blueprintEvent, registrationEvent } from './agents.events';
import { AgentsRepository } from './agents.repository';
import { AgentClaimsService } from './agent-claims.service';
import type { PaginationQuery } from '@wos/platform';

/**
 * Agent blueprints, their instances, sessions and registrations (SDK 11 `agents`); claims and
 * self-registered agents are AgentClaimsService's. Invariants:
 * deleting a blueprint or an instance deletes its sessions and revokes its registrations (with
 * `agent.registration.revoked`), so no token of it validates afterwards.
 */
@Injectable()
export class AgentsService {
  constructor(
    private readonly repo: AgentsRepository,
    private readonly claims: AgentClaimsService,
  ) {}

  async createBlueprint(environmentId: string, input: CreateBlueprintInput) {
    const now = new Date();
    const b = await this.repo.createBlueprint(
      environmentId,
      {
        id: newId('agent_blueprint'),
        name: input.name,
        description: input.description ?? null,
        permissions: input.permissions ?? [],
        invocableRoleSlugs: input.invocable_by?.role_slugs ?? [],
        invocableOrganizationIds: input.invocable_by?.organization_ids ?? [],
        maxAgeSeconds: input.session_settings.max_age_seconds,
        accessTokenTtlSeconds: input.session_settings.access_token_ttl_seconds,
        refreshTokenTtlSeconds: input.session_settings.refresh_token_ttl_seconds,
        createdAt: now,
        updatedAt: now,
      },
      (created) => blueprintEvent('created', created, environmentId),
    );
    return toBlueprintWire(b);
  }

  async listBlueprints(environmentId: string, q: PaginationQuery) {
    return toListEnvelope(await paginate(q, (req) => this.repo.blueprintsPage(environmentId, req)), toBlueprintWire);
  }

  async getBlueprint(environmentId: string, id: string) {
    return toBlueprintWire(await this.requireBlueprint(environmentId, id));
  }

  async updateBlueprint(environmentId: string, id: string, input: UpdateBlueprintInput) {
    await this.requireBlueprint(environmentId, id);
    const s = input.session_settings ?? {};
    const updated = await this.repo.updateBlueprint(
      environmentId,
      id,
      {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.permissions !== undefined ? { permissions: input.permissions } : {}),
        ...(input.invocable_by?.role_slugs !== undefined ? { invocableRoleSlugs: input.invocable_by.role_slugs } : {}),
        ...(input.invocable_by?.organization_ids !== undefined ? { invocableOrganizationIds: input.invocable_by.organization_ids } : {}),
        ...(s.max_age_seconds !== undefined ? { maxAgeSeconds: s.max_age_seconds } : {}),
        ...(s.access_token_ttl_seconds !== undefined ? { accessTokenTtlSeconds: s.access_token_ttl_seconds } : {}),
        ...(s.refresh_token_ttl_seconds !== undefined ? { refreshTokenTtlSeconds: s.refresh_token_ttl_seconds } : {}),
      },
      (b) => blueprintEvent('updated', b, environmentId),
    );
    if (!updated) throw new NotFoundError('an agent blueprint', id);
    return toBlueprintWire(updated);
  }

  async deleteBlueprint(environmentId: string, id: string): Promise<void> {
    const b = await this.requireBlueprint(environmentId, id);
    const ok = await this.repo.deleteBlueprint(environmentId, b, (revoked) => [
      blueprintEvent('deleted', { ...b, updatedAt: new Date() }, environmentId),
      ...revoked.map((r) => registrationEvent('revoked', r, null, environmentId)),
    ]);
    if (!ok) throw new NotFoundError('an agent blueprint', id);
  }

  async listInstances(environmentId: string, q: ListInstancesQuery) {
    return toListEnvelope(await paginate(q, (req) => this.repo.instancesPage(environmentId, { organizationId: q.organization_id, blueprintId: q.agent_blueprint_id }, req)), toInstanceWire);
  }

  async getInstance(environmentId: string, id: string) {
    const i = await this.repo.findInstance(environmentId, id);
    if (!i) throw new NotFoundError('an agent instance', id);
    return toInstanceWire(i);
  }

  async deleteInstance(environmentId: string, id: string): Promise<void> {
    const i = await this.repo.findInstance(environmentId, id);
    if (!i || !(await this.repo.deleteInstance(environmentId, i, (revoked) => revoked.map((r) => registrationEvent('revoked', r, i.id, environmentId))))) {
      throw new NotFoundError('an agent instance', id);
    }
  }

  async listSessions(environmentId: string, q: ListSessionsQuery) {
    const now = new Date();
    return toListEnvelope(await paginate(q, (req) => this.repo.sessionsPage(environmentId, { blueprintId: q.agent_blueprint_id, instanceId: q.agent_instance_id }, req)), (s) => toSessionWire(s, now));
  }

  async getSession(environmentId: string, id: string) {
    const s = await this.repo.findSession(environmentId, id);
    if (!s) throw new NotFoundError('an agent instance session', id);
    return toSessionWire(s);
  }

  async revokeSession(environmentId: string, id: string) {
    const s = await this.repo.revokeSession(environmentId, id);
    if (!s) throw new NotFoundError('an agent instance session', id);
    return toSessionWire(s);
  }

  async getRegistration(environmentId: string, id: string) {
    const r = await this.requireRegistration(environmentId, id);
    return this.claims.registrationWire(environmentId, r, (await this.repo.findInstanceByRegistration(environmentId, id))?.id ?? null);
  }

  /** Ours (no SDK method): ends a self-registered agent's registration and API keys. */
  async revokeRegistration(environmentId: string, id: string) {
    return this.claims.revoke(environmentId, await this.requireRegistration(environmentId, id));
  }

  linkClaimAttempt(environmentId: string, input: LinkClaimAttemptInput) {
    return this.claims.linkExternalUser(environmentId, input);
  }

  private async requireRegistration(environmentId: string, id: string) {
    const r = id.length <= 64 ? await this.repo.findRegistration(environmentId, id) : null;
    if (!r) throw new NotFoundError('an agent registration', id);
    return r;
  }

  async requireBlueprint(environmentId: string, id: string): Promise<AgentBlueprint> {
    const b = id.length <= 64 ? await this.repo.findBlueprint(environmentId, id) : null;
    if (!b) throw new NotFoundError('an agent blueprint', id);
    return b;
  }
}
