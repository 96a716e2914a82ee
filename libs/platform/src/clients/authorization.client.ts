import { internalJson, serviceUnavailable } from '../http/internal-fetch';

/** Authorization's answer for role slugs in an organization. */
export interface RoleClaims {
  role: string | null;
  roles: string[];
  permissions: string[];
  unknown_role_slugs: string[];
  /** The environment's default role (what a membership gets when none is named, or the named one is gone). */
  default_role_slug: string | null;
}

/** A directory group, as the groups kept for it are named (the dsync event's fields). */
export interface DirectoryGroupRef {
  directory_group_id: string;
  directory_id: string;
  organization_id: string;
  name: string;
}

const groupBody = (g: DirectoryGroupRef) => ({ organization_id: g.organization_id, directory_id: g.directory_id, name: g.name });

/**
 * Authorization's internal endpoints (DESIGN.md rule 1: the role catalogue is its
 * data), with the environment signed as the gateway signs it. For identity (token claims,
 * membership roles, directory groups) and directory-sync (group → role mappings).
 */
export class AuthorizationClient {
  constructor(
    private readonly baseUrl: string,
    /** The authorization service's internal-auth key (internalAuthKeyFor(config, 'authorization')). */
    private readonly key: string,
    private readonly timeoutMs = 5_000,
  ) {}

  /** 503 when authorization cannot answer. */
  async roleClaims(environmentId: string, organizationId: string, roleSlugs: string[]): Promise<RoleClaims> {
    return (await this.call(environmentId, 'POST', '/internal/authorization/role_claims', { organization_id: organizationId, role_slugs: roleSlugs })) as RoleClaims;
  }

  /*
   * The groups kept for a directory's groups (identity's directory provisioning). Each call is
   * idempotent, so a consumer may retry it; any failure is a 503 DomainError to retry on.
   */

  /** Creates or renames the group kept for the directory group. */
  async syncDirectoryGroup(environmentId: string, g: DirectoryGroupRef): Promise<void> {
    await this.call(environmentId, 'PUT', `/internal/authorization/directory_groups/${encodeURIComponent(g.directory_group_id)}`, groupBody(g));
  }

  /** The group (created or renamed as needed) takes the membership in; pending until authorization has projected it. */
  async addDirectoryGroupMember(environmentId: string, g: DirectoryGroupRef, membershipId: string): Promise<void> {
    await this.call(environmentId, 'PUT', `/internal/authorization/directory_groups/${encodeURIComponent(g.directory_group_id)}/members/${encodeURIComponent(membershipId)}`, groupBody(g));
  }

  async removeDirectoryGroupMember(environmentId: string, directoryGroupId: string, membershipId: string): Promise<void> {
    await this.call(environmentId, 'DELETE', `/internal/authorization/directory_groups/${encodeURIComponent(directoryGroupId)}/members/${encodeURIComponent(membershipId)}`);
  }

  async deleteDirectoryGroup(environmentId: string, directoryGroupId: string): Promise<void> {
    await this.call(environmentId, 'DELETE', `/internal/authorization/directory_groups/${encodeURIComponent(directoryGroupId)}`);
  }

  async deleteDirectoryGroups(environmentId: string, directoryId: string): Promise<void> {
    await this.call(environmentId, 'DELETE', `/internal/authorization/directories/${encodeURIComponent(directoryId)}/groups`);
  }

  /* Every route here exists: a 404 is an authorization service that cannot answer (a 503 to retry on). */
  private async call(environmentId: string, method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const answer = await internalJson(`${this.baseUrl}${path}`, { key: this.key, audience: 'authorization', environmentId }, { method, body, timeoutMs: this.timeoutMs });
    if (answer === null) throw serviceUnavailable('authorization');
    return answer;
  }
}

