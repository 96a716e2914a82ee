import { Injectable } from '@nestjs/common';
import { NotFoundError, paginate, toListEnvelope, ValidationError } from '@wos/platform';
import { hasIdShape, type DirectoryGroupWire, type ListEnvelope } from '@wos/contracts';
import { DirectoryDataRepository } from '../shared/directory-data.repository';
import { toGroupWire } from '../shared/directory-data.dto';
import type { ListDirectoryGroupsQuery } from '../directory-users/directory-users.dto';

/** The WorkOS view of directory groups: read-only, always scoped to the caller's environment. */
@Injectable()
export class DirectoryGroupsService {
  constructor(private readonly repo: DirectoryDataRepository) {}

  async list(environmentId: string, query: ListDirectoryGroupsQuery): Promise<ListEnvelope<DirectoryGroupWire>> {
    if (!query.directory && !query.user) {
      throw new ValidationError([{ field: 'directory', code: 'directory_or_user_required', message: 'Either directory or user is required.' }]);
    }
    const page = await paginate(query, (req) => this.repo.listGroups(environmentId, { directoryId: query.directory, userId: query.user }, req));
    return toListEnvelope(page, toGroupWire);
  }

  async get(environmentId: string, id: string): Promise<DirectoryGroupWire> {
    const g = hasIdShape(id, 'directory_group') ? await this.repo.groupById(environmentId, id) : null;
    if (!g) throw new NotFoundError('a directory group', id);
    return toGroupWire(g);
  }
}
