import { Injectable } from '@nestjs/common';
import { NotFoundError, paginate, toListEnvelope, ValidationError } from '@wos/platform';
import { hasIdShape, type DirectoryUserWithGroupsWire, type ListEnvelope } from '@wos/contracts';
import { DirectoryDataRepository } from '../shared/directory-data.repository';
import { toUserWithGroupsWire } from '../shared/directory-data.dto';
import type { ListDirectoryUsersQuery } from './directory-users.dto';

/** The WorkOS view of directory users: read-only, always scoped to the caller's environment. */
@Injectable()
export class DirectoryUsersService {
  constructor(private readonly repo: DirectoryDataRepository) {}

  async list(environmentId: string, query: ListDirectoryUsersQuery): Promise<ListEnvelope<DirectoryUserWithGroupsWire>> {
    if (!query.directory && !query.group) {
      throw new ValidationError([{ field: 'directory', code: 'directory_or_group_required', message: 'Either directory or group is required.' }]);
    }
    const page = await paginate(query, (req) => this.repo.listUsersWithGroups(environmentId, { directoryId: query.directory, groupId: query.group }, req));
    return toListEnvelope(page, toUserWithGroupsWire);
  }

  async get(environmentId: string, id: string): Promise<DirectoryUserWithGroupsWire> {
    const u = hasIdShape(id, 'directory_user') ? await this.repo.userWithGroups(environmentId, id) : null;
    if (!u) throw new NotFoundError('a directory user', id);
    return toUserWithGroupsWire(u);
  }
}
