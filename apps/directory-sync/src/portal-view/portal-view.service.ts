import { Injectable } from '@nestjs/common';
import { hasIdShape } from '@wos/contracts';
import { toDirectoryWire } from '../directories/directories.dto';
import { toGroupWire } from '../shared/directory-data.dto';
import { toScimRequestWire } from '../scim/scim-request-log.repository';
import type { PortalViewWire } from './portal-view.dto';
import { PortalViewRepository } from './portal-view.repository';

/**
 * The Admin Portal's read of an organization's directory. Invariant: the environment is the
 * signed context's and the organization is the path's; the one statement (PortalViewRepository)
 * scopes every part by the environment, and reads the activity only of the directory found
 * under both, so another environment's or organization's directory is never named. Each part is
 * mapped by the function its public endpoint uses.
 */
@Injectable()
export class PortalViewService {
  constructor(private readonly repo: PortalViewRepository) {}

  async view(environmentId: string, organizationId: string): Promise<PortalViewWire> {
    const found = hasIdShape(organizationId, 'org') ? await this.repo.newestOfOrganization(environmentId, organizationId) : null;
    if (!found) return { directory: null, activity: null };
    const { portal_requests: requests, portal_groups: groups, ...directory } = found;
    return {
      directory: toDirectoryWire(directory),
      activity: { requests: requests.map(toScimRequestWire), mappings: directory.role_mappings, groups: groups.map(toGroupWire) },
    };
  }
}
