import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { addPermissionSchema, createOrganizationRoleSchema, reorderRolesSchema, setPermissionsSchema, updateNamedSchema, type CreateRoleInput, type ReorderRolesInput, type UpdateNamedInput } from './catalogue.dto';
import { RolesService } from './roles.service';

/**
 * `/authorization/organizations/:orgId/roles` (WORKOS_API.md §16). Reads see the organization's
 * view (environment roles plus its own); writes reach only the organization's own roles.
 */
@Controller('authorization/organizations/:orgId/roles')
@RequireApiKey()
export class OrganizationRolesController {
  constructor(private readonly roles: RolesService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Param('orgId') org: string, @Body(new ZodPipe(createOrganizationRoleSchema)) body: CreateRoleInput) {
    return this.roles.create(env, org, body);
  }

  @Get()
  list(@EnvironmentId() env: string, @Param('orgId') org: string) {
    return this.roles.list(env, org);
  }

  /** Ours (no SDK method): the organization's own roles' priority order (environment roles stay ahead of them). */
  @Put('priority')
  reorder(@EnvironmentId() env: string, @Param('orgId') org: string, @Body(new ZodPipe(reorderRolesSchema)) body: ReorderRolesInput) {
    return this.roles.reorder(env, org, body.role_slugs);
  }

  @Get(':slug')
  get(@EnvironmentId() env: string, @Param('orgId') org: string, @Param('slug') slug: string) {
    return this.roles.get(env, org, slug);
  }

  @Patch(':slug')
  update(@EnvironmentId() env: string, @Param('orgId') org: string, @Param('slug') slug: string, @Body(new ZodPipe(updateNamedSchema)) body: UpdateNamedInput) {
    return this.roles.update(env, org, slug, body);
  }

  @Delete(':slug')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('orgId') org: string, @Param('slug') slug: string): Promise<void> {
    await this.roles.delete(env, org, slug);
  }

  @Put(':slug/permissions')
  setPermissions(@EnvironmentId() env: string, @Param('orgId') org: string, @Param('slug') slug: string, @Body(new ZodPipe(setPermissionsSchema)) body: { permissions: string[] }) {
    return this.roles.setPermissions(env, org, slug, body.permissions);
  }

  @Post(':slug/permissions')
  @HttpCode(200)
  addPermission(@EnvironmentId() env: string, @Param('orgId') org: string, @Param('slug') slug: string, @Body(new ZodPipe(addPermissionSchema)) body: { slug: string }) {
    return this.roles.addPermission(env, org, slug, body.slug);
  }

  @Delete(':slug/permissions/:permissionSlug')
  @HttpCode(204)
  async removePermission(@EnvironmentId() env: string, @Param('orgId') org: string, @Param('slug') slug: string, @Param('permissionSlug') permission: string): Promise<void> {
    await this.roles.removePermission(env, org, slug, permission);
  }
}
