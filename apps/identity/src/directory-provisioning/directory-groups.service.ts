import { Inject, Injectable, Optional } from '@nestjs/common';
import { AuthorizationClient, LOGGER, type Logger } from '@wos/platform';
import type { DirectoryGroupWire, DirectoryUserWire } from '@wos/contracts';
import { MembershipsService } from '../memberships/memberships.service';
import { DirectorySyncClient } from './directory-sync.client';
import { DirectoryUserLinksRepository } from './directory-user-links.repository';

export type GroupSyncOutcome = 'group_sync_off' | 'synced' | 'deleted' | 'not_linked' | 'no_membership';

/** Authorization's group names are bounded at 256 characters; a longer IdP name is cut there. */
const GROUP_NAME_MAX = 256;

/**
 * A directory's groups as authorization's organization groups, where the directory turned
 * provisioning and `groups` on (docs/ARCHITECTURE.md "Directory provisioning"). Invariants:
 * - a group's members are only the memberships this directory's provisioning linked: a directory
 *   user becomes a member through its link (made on a verified domain), never through a field of
 *   the event;
 * - every call to authorization is idempotent, so a retried or redelivered event changes nothing,
 *   and no inbox is needed here; events of one organization share a partition, so a group's
 *   changes are applied in the order the IdP made them.
 */
@Injectable()
export class DirectoryGroupsService {
  private readonly log: Logger;

  constructor(
    private readonly directories: DirectorySyncClient,
    private readonly links: DirectoryUserLinksRepository,
    private readonly memberships: MembershipsService,
    /** Null where authorization is not deployed: there are no groups to keep then. */
    @Optional() @Inject(AuthorizationClient) private readonly authorization: AuthorizationClient | null,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: DirectoryGroupsService.name });
  }

  /** dsync.group.created / .updated. */
  async changed(environmentId: string, g: DirectoryGroupWire): Promise<GroupSyncOutcome> {
    if (!(await this.syncing(environmentId, g))) return 'group_sync_off';
    await this.authorization!.syncDirectoryGroup(environmentId, ref(g));
    return 'synced';
  }

  /** dsync.group.deleted. */
  async deleted(environmentId: string, g: DirectoryGroupWire): Promise<GroupSyncOutcome> {
    if (!(await this.syncing(environmentId, g))) return 'group_sync_off';
    await this.authorization!.deleteDirectoryGroup(environmentId, g.id);
    return 'deleted';
  }

  /** dsync.group.user_added / .user_removed. */
  async member(environmentId: string, g: DirectoryGroupWire, u: DirectoryUserWire, change: 'added' | 'removed'): Promise<GroupSyncOutcome> {
    if (!(await this.syncing(environmentId, g))) return 'group_sync_off';
    const link = await this.links.find(environmentId, u.id);
    if (!link || link.organizationId !== g.organization_id) return 'not_linked';
    const m = await this.memberships.findFor(environmentId, link.userId, link.organizationId);
    if (!m) return 'no_membership';
    if (change === 'added') await this.authorization!.addDirectoryGroupMember(environmentId, ref(g), m.id);
    else await this.authorization!.removeDirectoryGroupMember(environmentId, g.id, m.id);
    return 'synced';
  }

  /** dsync.deleted: the groups kept for the directory go (its settings are gone, so this does not ask for them). */
  async directoryDeleted(environmentId: string, directoryId: string): Promise<void> {
    if (this.authorization) await this.authorization.deleteDirectoryGroups(environmentId, directoryId);
  }

  private async syncing(environmentId: string, g: DirectoryGroupWire): Promise<boolean> {
    if (!this.authorization || !this.directories.enabled) return false;
    const s = await this.directories.provisioning(environmentId, g.directory_id);
    const on = !!s?.user_provisioning && !!s.group_provisioning && s.organization_id === g.organization_id;
    if (!on) this.log.debug({ directory_id: g.directory_id, directory_group_id: g.id }, 'group sync is off for this directory');
    return on;
  }
}

const ref = (g: DirectoryGroupWire) => ({ directory_group_id: g.id, directory_id: g.directory_id, organization_id: g.organization_id, name: g.name.slice(0, GROUP_NAME_MAX) });
