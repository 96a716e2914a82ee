import { Injectable } from '@nestjs/common';
import { ConflictError, pgTransaction, ValidationError } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { DirectoryGroupBody } from './directory-groups.dto';
import { toGroupWire } from './groups.dto';
import { GroupsRepository, type KeptDirectoryGroup } from './groups.repository';

/**
 * Groups kept in step with a directory's groups, for identity's directory provisioning (a
 * directory that turned `groups` on; docs/ARCHITECTURE.md "Directory provisioning"). Identity
 * resolves each directory user to the membership it provisioned, so every call here names a
 * membership identity made in the directory's organization. Invariants: every call is idempotent
 * (identity's consumer retries and Kafka redelivers); each change writes the same `group.*`
 * events as the public API, in its transaction; a member whose membership this service has not
 * projected yet waits as pending and joins when the projection arrives, so the order of the two
 * event streams never loses a member.
 */
@Injectable()
export class DirectoryGroupsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly repo: GroupsRepository,
  ) {}

  async sync(environmentId: string, directoryGroupId: string, body: DirectoryGroupBody) {
    return pgTransaction(this.prisma.pool, async (client) => toGroupWire(await this.kept(client, environmentId, directoryGroupId, body)));
  }

  async addMember(environmentId: string, directoryGroupId: string, membershipId: string, body: DirectoryGroupBody) {
    return pgTransaction(this.prisma.pool, async (client) => {
      const g = await this.kept(client, environmentId, directoryGroupId, body);
      const outcome = await this.repo.addOrPend(client, environmentId, g, membershipId);
      if (outcome === 'other_organization') {
        throw new ValidationError([{ field: 'organization_membership_id', code: 'membership_in_another_organization', message: "The membership is not in the group's organization." }]);
      }
      return { group: toGroupWire(g), outcome };
    });
  }

  async removeMember(environmentId: string, directoryGroupId: string, membershipId: string): Promise<{ removed: boolean }> {
    return { removed: await pgTransaction(this.prisma.pool, (client) => this.repo.removeDirectoryMember(client, environmentId, directoryGroupId, membershipId)) };
  }

  async delete(environmentId: string, directoryGroupId: string): Promise<{ deleted: number }> {
    return { deleted: await pgTransaction(this.prisma.pool, (client) => this.repo.deleteDirectoryGroups(client, environmentId, { directoryGroupId })) };
  }

  async deleteDirectory(environmentId: string, directoryId: string): Promise<{ deleted: number }> {
    return { deleted: await pgTransaction(this.prisma.pool, (client) => this.repo.deleteDirectoryGroups(client, environmentId, { directoryId })) };
  }

  private async kept(client: Parameters<GroupsRepository['syncDirectoryGroup']>[0], environmentId: string, directoryGroupId: string, body: DirectoryGroupBody) {
    const ref: KeptDirectoryGroup = { directoryGroupId, directoryId: body.directory_id, organizationId: body.organization_id, name: body.name };
    const g = await this.repo.syncDirectoryGroup(client, environmentId, ref);
    if (!g) throw new ConflictError('directory_group_in_another_organization', 'This directory group is kept for another organization.');
    return g;
  }
}
