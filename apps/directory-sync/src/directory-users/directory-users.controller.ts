import { Controller, Get, Param, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { DirectoryUsersService } from './directory-users.service';
import { listDirectoryUsersQuerySchema, type ListDirectoryUsersQuery } from './directory-users.dto';

/* Management API: API-key callers only, whatever a signed context says (M10). */
@RequireApiKey()
@Controller('directory_users')
export class DirectoryUsersController {
  constructor(private readonly users: DirectoryUsersService) {}

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listDirectoryUsersQuerySchema)) query: ListDirectoryUsersQuery) {
    return this.users.list(env, query);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.users.get(env, id);
  }
}
