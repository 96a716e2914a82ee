import { Inject, Injectable } from '@nestjs/common';
import { claimInbox, ConflictError, LOGGER, type Logger } from '@wos/platform';
import type { DirectoryUserWire } from '@wos/contracts';
import { UsersService } from '../users/users.service';
import { emailSchema, nameSchema } from '../users/users.dto';
import { MembershipsService } from '../memberships/memberships.service';
import { OrganizationsClient } from '../memberships/organizations.client';
import { RoleClaimsService } from '../role-claims/role-claims.service';
import { DirectorySyncClient } from './directory-sync.client';
import { DirectoryUserLinksRepository } from './directory-user-links.repository';

const CONSUMER = 'identity.directory-provisioning';
/** The membership slug form (memberships.dto.ts); an IdP's other role names are dropped. */
const ROLE_SLUG = /^[a-z0-9][a-z0-9_:.-]{0,127}$/;

export type ProvisioningOutcome =
  | 'duplicate'
  | 'provisioning_off'
  | 'no_email'
  | 'unverified_domain'
  | 'created'
  | 'updated'
  | 'deleted'
  | 'unchanged'
  | 'not_from_directory';

/**
 * AuthKit users and memberships from a directory that turned `user_provisioning` on
 * (docs/ARCHITECTURE.md "Directory provisioning"). Invariants:
 * - a directory user becomes (or links to) the AuthKit user with its email only when that email's
 *   domain is a VERIFIED domain of the directory's organization: one organization's IdP can never
 *   put an address it does not own into its organization, nor claim another customer's user;
 * - once linked, a directory user stays with its user (the IdP's later email changes move nothing);
 * - the inbox claim and the membership change commit together, so a redelivered event changes nothing;
 * - role slugs come from the directory (its group mappings, then the IdP's own roles), filtered to
 *   the organization's catalogue; none left means the default role.
 */
@Injectable()
export class DirectoryProvisioningService {
  private readonly log: Logger;

  constructor(
    private readonly directories: DirectorySyncClient,
    private readonly links: DirectoryUserLinksRepository,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    private readonly organizations: OrganizationsClient,
    private readonly roleClaims: RoleClaimsService,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: DirectoryProvisioningService.name });
  }

  /** dsync.user.created / .updated (`present`) and dsync.user.deleted (`absent`). */
  async apply(environmentId: string, eventId: string, u: DirectoryUserWire, presence: 'present' | 'absent'): Promise<ProvisioningOutcome> {
    if (!this.directories.enabled) return 'provisioning_off';
    const settings = await this.directories.provisioning(environmentId, u.directory_id);
    if (!settings?.user_provisioning || settings.organization_id !== u.organization_id) return 'provisioning_off';
    const org = await this.organizations.find(environmentId, settings.organization_id);
    if (!org) return 'provisioning_off';
    const state = presence === 'absent' ? 'absent' : u.state === 'active' ? 'active' : 'inactive';

    let userId = (await this.links.find(environmentId, u.id))?.userId;
    if (!userId) {
      if (state !== 'active') return 'unchanged';
      const email = emailSchema.safeParse(u.email ?? '');
      if (!email.success) return 'no_email';
      const domain = email.data.slice(email.data.lastIndexOf('@') + 1);
      if (!org.domains.some((d) => d.state === 'verified' && d.domain === domain)) {
        this.log.warn({ directory_id: u.directory_id, directory_user_id: u.id, organization_id: org.id }, "not provisioned: the email's domain is not a verified domain of the organization");
        return 'unverified_domain';
      }
      userId = (await this.userFor(environmentId, email.data, u)).id;
    }
    const roleSlugs = state === 'active' ? await this.roleSlugs(environmentId, org.id, u) : null;
    return this.links.transaction(async (tx) => {
      if (!(await claimInbox(tx, CONSUMER, eventId))) return 'duplicate';
      if (state === 'absent') await this.links.unlink(tx, environmentId, u.id);
      else await this.links.link(tx, environmentId, { directoryUserId: u.id, directoryId: u.directory_id, organizationId: org.id, userId: userId! });
      // An inactive user keeps the roles it had (null); only its status changes.
      return this.memberships.applyDirectory(tx, environmentId, { userId: userId!, organization: { id: org.id, name: org.name }, state, roleSlugs: state === 'active' ? roleSlugs : null });
    });
  }

  /** dsync.deleted: the directory's memberships go with it; its users stay (they may sign in otherwise). */
  async directoryDeleted(environmentId: string, eventId: string, directoryId: string, organizationId: string): Promise<number> {
    return this.links.transaction(async (tx) => {
      if (!(await claimInbox(tx, CONSUMER, eventId))) return 0;
      const gone = await this.links.removeDirectory(tx, environmentId, directoryId);
      let deleted = 0;
      for (const l of gone) {
        const r = await this.memberships.applyDirectory(tx, environmentId, { userId: l.userId, organization: { id: organizationId, name: '' }, state: 'absent', roleSlugs: null });
        if (r === 'deleted') deleted++;
      }
      return deleted;
    });
  }

  /**
   * The user with this email, created when there is none: `email_verified`, as the organization
   * verified the domain (the same rule as SSO's, docs/ARCHITECTURE.md "identity linking").
   */
  private async userFor(environmentId: string, email: string, u: DirectoryUserWire) {
    const existing = await this.users.findByEmail(environmentId, email);
    if (existing) return existing;
    const name = (v: string | null) => (v && nameSchema.safeParse(v).success ? v : undefined);
    try {
      await this.users.create(environmentId, { email, email_verified: true, first_name: name(u.first_name), last_name: name(u.last_name) });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err; // created concurrently: use that one
    }
    return (await this.users.findByEmail(environmentId, email))!;
  }

  private async roleSlugs(environmentId: string, organizationId: string, u: DirectoryUserWire): Promise<string[]> {
    const asserted = [...new Set([...(u.role ? [u.role.slug] : []), ...(u.roles ?? []).map((r) => r.slug)])].filter((s) => ROLE_SLUG.test(s)).slice(0, 20);
    return this.roleClaims.grantableSlugs(environmentId, organizationId, asserted);
  }
}
