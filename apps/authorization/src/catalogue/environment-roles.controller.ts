import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { addPermissionSchema, createEnvironmentRoleSchema, defaultRoleSchema, reorderRolesSchema, setPermissionsSchema, updateNamedSchema, type CreateRoleInput, type ReorderRolesInput, type UpdateNamedInput } from './catalogue.dto';
import { RolesService } from './roles.service';

/** `/authorization/roles`: environment roles by slug (WORKOS_API.md §16). The SDK has no delete for them. */
@Controller('authorization/roles')
@RequireApiKey()
export class EnvironmentRolesController {
  constructor(private readonly roles: RolesService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createEnvironmentRoleSchema)) body: CreateRoleInput) {
    return this.roles.create(env, null, body);
  }

  @Get()
  list(@EnvironmentId() env: string) {
    return this.roles.list(env, null);
  }

  /** Ours (no SDK method): the environment roles' priority order, highest first. */
  @Put('priority')
  reorder(@EnvironmentId() env: string, @Body(new ZodPipe(reorderRolesSchema)) body: ReorderRolesInput) {
    return this.roles.reorder(env, null, body.role_slugs);
  }

  /** Ours (no SDK method): the role memberships get when none is named (sign-in grants, invitations). */
  @Put('default')
  setDefault(@EnvironmentId() env: string, @Body(new ZodPipe(defaultRoleSchema)) body: { role_slug: string }) {
    return this.roles.setDefault(env, body.role_slug);
  }

  @Get(':slug')
  get(@EnvironmentId() env: string, @Param('slug') slug: string) {
    return this.roles.get(env, null, slug);
  }

  @Patch(':slug')
  update(@EnvironmentId() env: string, @Param('slug') slug: string, @Body(new ZodPipe(updateNamedSchema)) body: UpdateNamedInput) {
    return this.roles.update(env, null, slug, body);
  }

  @Put(':slug/permissions')
  setPermissions(@EnvironmentId() env: string, @Param('slug') slug: string, @Body(new ZodPipe(setPermissionsSchema)) body: { permissions: string[] }) {
    return this.roles.setPermissions(env, null, slug, body.permissions);
  }

  @Post(':slug/permissions')
  @HttpCode(200)
  addPermission(@EnvironmentId() env: string, @Param('slug') slug: string, @Body(new ZodPipe(addPermissionSchema)) body: { slug: string }) {
    return this.roles.addPermission(env, null, slug, body.slug);
  }
}
