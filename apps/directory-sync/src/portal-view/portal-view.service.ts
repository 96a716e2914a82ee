import { Injectable } from '@nestjs/common';
import { DirectoriesService } from '../directories/directories.service';
import { DirectoryGroupsService } from '../directory-groups/directory-groups.service';
import { ScimRequestLogRepository } from '../scim/scim-request-log.repository';
import type { PortalViewWire } from './portal-view.dto';

/** How many groups the portal's mapping form offers (the page asked `/directory_groups?limit=100`). */
const PORTAL_GROUPS = 100;

/**
 * The Admin Portal's read of an organization's directory. Invariant: the environment is the
 * signed context's and the organization is the path's; every read below is scoped by the
 * environment, and the activity is read only for the directory found under both, so another
 * environment's or organization's directory is never named. Three statements in two rounds: the
 * directory row (with its mappings), then its request log and its groups side by side, each
 * through the function its public endpoint uses.
 */
@Injectable()
export class PortalViewService {
  constructor(
    private readonly directories: DirectoriesService,
    private readonly groups: DirectoryGroupsService,
    private readonly requests: ScimRequestLogRepository,
  ) {}

  async view(environmentId: string, organizationId: string): Promise<PortalViewWire> {
    const found = await this.directories.newestOfOrganization(environmentId, organizationId);
    if (!found) return { directory: null, activity: null };
    const { id } = found.directory;
    const [requests, groups] = await Promise.all([
      this.requests.recent(environmentId, id),
      this.groups.list(environmentId, { directory: id, limit: PORTAL_GROUPS, order: 'desc' }),
    ]);
    return { directory: found.directory, activity: { requests, mappings: found.roleMappings, groups: groups.data } };
  }
}
