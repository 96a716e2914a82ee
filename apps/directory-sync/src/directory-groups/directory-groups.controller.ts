import { Controller, Get, Param, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { DirectoryGroupsService } from './directory-groups.service';
import { listDirectoryGroupsQuerySchema, type ListDirectoryGroupsQuery } from '../directory-users/directory-users.dto';

/* Management API: API-key callers only, whatever a signed context says (M10). */
@RequireApiKey()
@Controller('directory_groups')
export class DirectoryGroupsController {
  constructor(private readonly groups: DirectoryGroupsService) {}

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listDirectoryGroupsQuerySchema)) query: ListDirectoryGroupsQuery) {
    return this.groups.list(env, query);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.groups.get(env, id);
  }
}
