import { Inject, Injectable } from '@nestjs/common';
import { internalAuthKeyFor, internalJson } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/** At most this many of a user's active memberships are read (pages of 100): a user's flag list stays a few requests. */
export const MAX_MEMBERSHIPS_READ = 1_000;
const PAGE = 100;

interface MembershipPage {
  data: { organization_id: string }[];
  list_metadata: { after: string | null };
}

/**
 * Users and their memberships, asked of identity, which owns both (DESIGN.md rule 1: its API,
 * signed for the environment as the gateway signs it). Invariant: answers come only from
 * identity's own answer (200 or 404); anything else is a 503 to the caller, so a write or list
 * that depends on the answer is refused rather than made on a guess.
 */
@Injectable()
export class IdentityUsersClient {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** False when identity is not configured (organizations without identity): nothing to ask. */
  get enabled(): boolean {
    return !!this.config.IDENTITY_URL;
  }

  async exists(environmentId: string, userId: string): Promise<boolean> {
    return (await this.get(environmentId, `/user_management/users/${encodeURIComponent(userId)}`)) !== null;
  }

  /**
   * The organizations the user is an active member of (a pending or deactivated membership gives
   * none of the organization's flags), oldest membership first, at most MAX_MEMBERSHIPS_READ.
   */
  async activeOrganizationIds(environmentId: string, userId: string): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const query: URLSearchParams = new URLSearchParams({ user_id: userId, statuses: 'active', limit: String(PAGE), order: 'asc', ...(after ? { after } : {}) });
      const page: MembershipPage | null = await this.get<MembershipPage>(environmentId, `/user_management/organization_memberships?${query}`);
      if (!page) break;
      ids.push(...page.data.map((m) => m.organization_id));
      after = page.list_metadata.after;
    } while (after && ids.length < MAX_MEMBERSHIPS_READ);
    return ids.slice(0, MAX_MEMBERSHIPS_READ);
  }

  private get<T>(environmentId: string, path: string): Promise<T | null> {
    return internalJson<T>(`${this.config.IDENTITY_URL}${path}`, { key: internalAuthKeyFor(this.config, 'identity'), audience: 'identity', environmentId });
  }
}
