import { Injectable } from '@nestjs/common';
import { ConflictError, isUniqueViolation, newId, NotFoundError, paginate, toListEnvelope, ValidationError } from '@wos/platform';
import { hasIdShape, type FeatureFlagWire, type ListEnvelope } from '@wos/contracts';
import { isOn, isSlug, targetTypeOf } from '../flags-core/flag-rules';
import { FeatureFlagsRepository, type FlagTx, type WriteOutcome } from './feature-flags.repository';
import { flagEvent } from './feature-flags.events';
import { FlagPayloadService } from './flag-payload.service';
import { IdentityUsersClient } from './identity-users.client';
import { toFeatureFlagWire, type CreateFlagInput, type FlagRow, type ListFlagsQuery, type UpdateFlagInput } from './feature-flags.dto';

/* Bounds that keep one environment's runtime payload (sent whole on every changed poll) small. */
export const MAX_FLAGS_PER_ENVIRONMENT = 1_000;
export const MAX_TARGETS_PER_FLAG = 10_000;
export const MAX_TARGETS_PER_ENVIRONMENT = 50_000;

/**
 * Feature-flag rules. Invariant: every change writes its `flag.*` event to the outbox, bumps the
 * environment's flag version and NOTIFYs it, all in one transaction (FeatureFlagsRepository.write);
 * a request that changes nothing (enabling an enabled flag, adding a present target) writes
 * nothing and publishes nothing.
 */
@Injectable()
export class FeatureFlagsService {
  constructor(
    private readonly repo: FeatureFlagsRepository,
    private readonly payloads: FlagPayloadService,
    private readonly users: IdentityUsersClient,
  ) {}

  async list(environmentId: string, query: ListFlagsQuery): Promise<ListEnvelope<FeatureFlagWire>> {
    const page = await paginate(query, (req) => this.repo.list(environmentId, req));
    return toListEnvelope(page, toFeatureFlagWire);
  }

  async get(environmentId: string, slug: string): Promise<FeatureFlagWire> {
    return toFeatureFlagWire(await this.mustFind(environmentId, slug));
  }

  /** The flags that evaluate on for an organization of this environment (404 for an unknown one). */
  async listForOrganization(environmentId: string, organizationId: string, query: ListFlagsQuery): Promise<ListEnvelope<FeatureFlagWire>> {
    if (!hasIdShape(organizationId, 'org') || !(await this.repo.organizationExists(environmentId, organizationId))) throw new NotFoundError('an organization', organizationId);
    const page = await paginate(query, (req) => this.repo.listOnFor(environmentId, [organizationId], req));
    return toListEnvelope(page, toFeatureFlagWire);
  }

  /**
   * The flags that evaluate on for a user of this environment (404 for an unknown one): by the
   * user's own targeting and by the organizations the user is an active member of, as WorkOS lists
   * them. The memberships are read from identity once per request (IdentityUsersClient), and the
   * flags in one query over all the targets.
   */
  async listForUser(environmentId: string, userId: string, query: ListFlagsQuery): Promise<ListEnvelope<FeatureFlagWire>> {
    const [, organizationIds] = await Promise.all([
      this.mustBeUser(environmentId, userId),
      hasIdShape(userId, 'user') && this.users.enabled ? this.users.activeOrganizationIds(environmentId, userId) : [],
    ]);
    const page = await paginate(query, (req) => this.repo.listOnFor(environmentId, [userId, ...organizationIds], req));
    return toListEnvelope(page, toFeatureFlagWire);
  }

  /**
   * Slugs on for a session's organization (when it has one) and user: the access token's
   * `feature_flags` claim. A session without an organization gets the flags on for the user alone.
   */
  async claims(environmentId: string, organizationId: string | undefined, userId: string): Promise<string[]> {
    const { flags } = await this.payloads.get(environmentId);
    return flags.filter((f) => isOn(f, { organizationId, userId })).map((f) => f.slug);
  }

  async create(environmentId: string, input: CreateFlagInput): Promise<FeatureFlagWire> {
    const now = new Date();
    const row: FlagRow = {
      id: newId('flag'),
      environmentId,
      slug: input.slug,
      name: input.name ?? input.slug,
      description: input.description ?? '',
      tags: input.tags ?? [],
      enabled: input.enabled ?? false,
      defaultValue: input.default_value ?? false,
      createdAt: now,
      updatedAt: now,
    };
    const wire = toFeatureFlagWire(row);
    try {
      return await this.write(environmentId, async (tx) => {
        if ((await this.repo.counts(tx, environmentId)).flags >= MAX_FLAGS_PER_ENVIRONMENT) throw tooMany('flags', `An environment can hold at most ${MAX_FLAGS_PER_ENVIRONMENT} feature flags.`);
        await this.repo.insert(tx, row);
        return { result: wire, events: [flagEvent('flag.created', wire, environmentId)] };
      });
    } catch (err) {
      if (isUniqueViolation(err, 'slug')) throw new ConflictError('feature_flag_slug_already_in_use', `A feature flag with the slug ${input.slug} already exists.`);
      throw err;
    }
  }

  async update(environmentId: string, slug: string, input: UpdateFlagInput): Promise<FeatureFlagWire> {
    return this.write(environmentId, async (tx) => {
      const current = await this.mustFind(environmentId, slug, tx);
      const next: FlagRow = {
        ...current,
        name: input.name ?? current.name,
        description: input.description ?? current.description,
        tags: input.tags ?? current.tags,
        enabled: input.enabled ?? current.enabled,
        defaultValue: input.default_value ?? current.defaultValue,
      };
      if (sameFlag(current, next)) return { result: toFeatureFlagWire(current), events: [] };
      const wire = toFeatureFlagWire(await this.repo.update(tx, environmentId, next));
      return { result: wire, events: [flagEvent('flag.updated', wire, environmentId)] };
    });
  }

  setEnabled(environmentId: string, slug: string, enabled: boolean): Promise<FeatureFlagWire> {
    return this.update(environmentId, slug, { enabled });
  }

  async delete(environmentId: string, slug: string): Promise<void> {
    await this.write(environmentId, async (tx) => {
      const current = await this.mustFind(environmentId, slug, tx);
      await this.repo.delete(tx, environmentId, current.id);
      return { result: undefined, events: [flagEvent('flag.deleted', toFeatureFlagWire(current), environmentId)] };
    });
  }

  async addTarget(environmentId: string, slug: string, targetId: string): Promise<void> {
    const type = targetOrThrow(targetId);
    // Identity is asked before the write, never while it holds the environment's flag lock.
    if (type === 'user') {
      await this.mustFind(environmentId, slug);
      await this.mustBeUser(environmentId, targetId);
    }
    await this.write(environmentId, async (tx) => {
      const flag = await this.mustFind(environmentId, slug, tx);
      if (type === 'organization' && !(await this.repo.organizationExists(environmentId, targetId, tx))) throw new NotFoundError('an organization', targetId);
      if (type === 'user' && (await this.repo.userDeleted(environmentId, targetId, tx))) throw new NotFoundError('a user', targetId);
      const counts = await this.repo.counts(tx, environmentId, flag.id);
      if (counts.flagTargets >= MAX_TARGETS_PER_FLAG) throw tooMany('targets', `A feature flag can have at most ${MAX_TARGETS_PER_FLAG} targets.`);
      if (counts.targets >= MAX_TARGETS_PER_ENVIRONMENT) throw tooMany('targets', `An environment's feature flags can have at most ${MAX_TARGETS_PER_ENVIRONMENT} targets together.`);
      if (!(await this.repo.addTarget(tx, environmentId, flag.id, targetId, type))) return { result: undefined, events: [] };
      const wire = toFeatureFlagWire(await this.repo.touch(tx, environmentId, flag.id));
      return { result: undefined, events: [flagEvent('flag.rule_updated', wire, environmentId)] };
    });
  }

  /** Removing a target that is not there is not an error (the SDK ignores the answer either way). */
  async removeTarget(environmentId: string, slug: string, targetId: string): Promise<void> {
    targetOrThrow(targetId);
    await this.write(environmentId, async (tx) => {
      const flag = await this.mustFind(environmentId, slug, tx);
      if (!(await this.repo.removeTarget(tx, environmentId, flag.id, targetId))) return { result: undefined, events: [] };
      const wire = toFeatureFlagWire(await this.repo.touch(tx, environmentId, flag.id));
      return { result: undefined, events: [flagEvent('flag.rule_updated', wire, environmentId)] };
    });
  }

  /**
   * A deleted user or organization leaves every flag's targets (flags-cleanup.consumer.ts), with
   * a `flag.rule_updated` per flag it was on. Idempotent: once gone, nothing changes.
   * A deleted user is remembered first, in its own statement: an add that starts after it is
   * refused; an add already under way holds the environment's flag lock (every write takes it),
   * so the removal below, which waits for that lock, runs after it and removes what it added.
   */
  async forgetTarget(environmentId: string, targetId: string): Promise<number> {
    if (targetTypeOf(targetId) === 'user') await this.repo.recordDeletedUser(environmentId, targetId);
    return this.write(environmentId, async (tx) => {
      const flagIds = await this.repo.removeTargetEverywhere(tx, environmentId, targetId);
      const events: WriteOutcome<number>['events'] = [];
      for (const flagId of flagIds) events.push(flagEvent('flag.rule_updated', toFeatureFlagWire(await this.repo.touch(tx, environmentId, flagId)), environmentId));
      return { result: flagIds.length, events };
    });
  }

  /** A repository write whose committed version this replica's payload cache learns at once. */
  private write<T>(environmentId: string, fn: (tx: FlagTx) => Promise<WriteOutcome<T>>): Promise<T> {
    return this.repo.write(environmentId, fn, (version) => this.payloads.committed(environmentId, version));
  }

  /**
   * A user of this environment: identity's answer where identity is configured (IDENTITY_URL),
   * else any ID of the right shape; a user deleted since is refused again inside the write.
   */
  private async mustBeUser(environmentId: string, userId: string): Promise<void> {
    if (!hasIdShape(userId, 'user') || (this.users.enabled && !(await this.users.exists(environmentId, userId)))) throw new NotFoundError('a user', userId);
  }

  /** A slug that cannot exist is a 404 without a query; inside a write the row is locked. */
  private async mustFind(environmentId: string, slug: string, tx?: FlagTx): Promise<FlagRow> {
    const flag = isSlug(slug) ? await this.repo.findBySlug(environmentId, slug, tx, tx !== undefined) : null;
    if (!flag) throw new NotFoundError('a feature flag', slug);
    return flag;
  }
}

function targetOrThrow(targetId: string): 'user' | 'organization' {
  const type = targetTypeOf(targetId);
  if (!type) {
    throw new ValidationError([{ field: 'target_id', code: 'target_id_invalid', message: 'A target must be a user (user_…) or an organization (org_…) ID.' }]);
  }
  return type;
}

function tooMany(field: string, message: string): ValidationError {
  return new ValidationError([{ field, code: 'limit_exceeded', message }], message);
}

function sameFlag(a: FlagRow, b: FlagRow): boolean {
  return a.name === b.name && a.description === b.description && a.enabled === b.enabled && a.defaultValue === b.defaultValue && a.tags.join('\n') === b.tags.join('\n');
}
