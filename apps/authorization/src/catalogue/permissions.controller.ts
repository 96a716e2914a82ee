import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe, type PaginationQuery } from '@wos/platform';
import { createPermissionSchema, listPermissionsQuerySchema, updateNamedSchema, type CreatePermissionInput, type UpdateNamedInput } from './catalogue.dto';
import { PermissionsService } from './permissions.service';

/** `/authorization/permissions` (WORKOS_API.md §16), addressed by slug. */
@Controller('authorization/permissions')
@RequireApiKey()
export class PermissionsController {
  constructor(private readonly permissions: PermissionsService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createPermissionSchema)) body: CreatePermissionInput) {
    return this.permissions.create(env, body);
  }

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listPermissionsQuerySchema)) query: PaginationQuery) {
    return this.permissions.list(env, query);
  }

  @Get(':slug')
  get(@EnvironmentId() env: string, @Param('slug') slug: string) {
    return this.permissions.get(env, slug);
  }

  @Patch(':slug')
  update(@EnvironmentId() env: string, @Param('slug') slug: string, @Body(new ZodPipe(updateNamedSchema)) body: UpdateNamedInput) {
    return this.permissions.update(env, slug, body);
  }

  @Delete(':slug')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('slug') slug: string): Promise<void> {
    await this.permissions.delete(env, slug);
  }
}
