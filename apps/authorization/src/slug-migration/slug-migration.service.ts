import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@wos/platform';
import { nameFromSlug, planSlugMigration } from '../authz-core/slug-migration';
import { isValidSlug } from '../authz-core/slugs';
import { RolesService } from '../catalogue/roles.service';
import { IdentityMembershipsClient } from '../memberships/identity.client';
import { MembershipsService } from '../memberships/memberships.service';
import { SlugMigrationRepository } from './slug-migration.repository';

const PAGE_SIZE = 100;

export interface CreatedRole {
  slug: string;
  organization_id: string | null;
}

export interface SlugMigrationWire {
  object: 'role_slug_migration';
  state: 'in_progress' | 'completed';
  memberships_backfilled: number;
  roles_created: number;
  /** The roles this call created (on completion). */
  created_roles: CreatedRole[];
  /** Slugs held by memberships that no role can have (not valid slugs); they keep granting nothing. */
  skipped_slugs: string[];
}

/**
 * The role slug migration of one environment (docs/ARCHITECTURE.md "Authorization"): first every
 * membership identity has is projected (memberships made before authorization was deployed, read
 * page by page through identity's internal API), then each free-form slug memberships hold that
 * the catalogue lacks becomes a role without permissions (authz-core/slug-migration). A call
 * does at most `maxPages` pages and says whether it finished; the cursor is kept between calls,
 * so a run resumes where it stopped. Every step is idempotent, so a repeated or concurrent run
 * changes nothing more.
 */
@Injectable()
export class SlugMigrationService {
  constructor(
    private readonly repo: SlugMigrationRepository,
    private readonly identity: IdentityMembershipsClient,
    private readonly memberships: MembershipsService,
    private readonly roles: RolesService,
  ) {}

  async run(environmentId: string, maxPages: number): Promise<SlugMigrationWire> {
    const state = await this.repo.begin(environmentId);
    let cursor = state.membershipCursor;
    let backfilled = state.membershipsBackfilled;
    let finished = false;
    for (let i = 0; i < maxPages && !finished; i++) {
      const page = await this.identity.page(environmentId, cursor, PAGE_SIZE);
      const last = page.data.at(-1)?.id;
      if (last) {
        backfilled += await this.memberships.backfill(environmentId, page.data, (client, written) => this.repo.advance(client, environmentId, last, written));
        cursor = last;
      }
      finished = page.after === null;
    }
    if (!finished) return { object: 'role_slug_migration', state: 'in_progress', memberships_backfilled: backfilled, roles_created: state.rolesCreated, created_roles: [], skipped_slugs: [] };
    const { created, skipped } = await this.createRoles(environmentId);
    const done = await this.repo.complete(environmentId, created.length);
    return { object: 'role_slug_migration', state: 'completed', memberships_backfilled: done.membershipsBackfilled, roles_created: done.rolesCreated, created_roles: created, skipped_slugs: skipped };
  }

  private async createRoles(environmentId: string): Promise<{ created: CreatedRole[]; skipped: string[] }> {
    const uses = await this.repo.unknownSlugUses(environmentId);
    const skipped = [...new Set(uses.filter((u) => !isValidSlug(u.slug)).map((u) => u.slug))];
    const unknown = uses.filter((u) => isValidSlug(u.slug));
    if (!unknown.length) return { created: [], skipped };
    const plan = planSlugMigration(unknown, await this.repo.organizationRoleSlugs(environmentId, [...new Set(unknown.map((u) => u.slug))]));
    const created: CreatedRole[] = [];
    // The default role first, as on the first claims request: the environment's default is
    // `member`, never whichever legacy slug would have been created first.
    const seeded = await this.roles.ensureDefaultRole(environmentId);
    if (seeded && plan.environmentRoles.includes(seeded.slug)) created.push({ slug: seeded.slug, organization_id: null });
    for (const slug of plan.environmentRoles) {
      if (await this.roles.createIfAbsent(environmentId, null, slug, nameFromSlug(slug))) created.push({ slug, organization_id: null });
    }
    for (const u of plan.organizationRoles) {
      try {
        if (await this.roles.createIfAbsent(environmentId, u.organizationId, u.slug, nameFromSlug(u.slug))) created.push({ slug: u.slug, organization_id: u.organizationId });
      } catch (err) {
        // The organization is gone: its memberships go with identity's events.
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    return { created, skipped };
  }
}
