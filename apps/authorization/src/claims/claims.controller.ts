import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { EnvironmentId, ReadsOnly, ZodPipe } from '@wos/platform';
import { permissionSlugsRequestSchema, roleClaimsRequestSchema, type PermissionSlugsRequest, type RoleClaimsRequest } from './claims.dto';
import { PermissionsService } from '../catalogue/permissions.service';
import { ClaimsService } from './claims.service';

/**
 * Service-to-service (identity, INTERNAL_CALLS): the gateway routes no `/internal` path, so only
 * a caller holding authorization's internal key reaches it, for the environment it signed.
 */
@Controller('internal/authorization')
export class ClaimsController {
  constructor(
    private readonly claims: ClaimsService,
    private readonly permissions: PermissionsService,
  ) {}

  @Post('role_claims')
  @HttpCode(200)
  @ReadsOnly()
  roleClaims(@EnvironmentId() env: string, @Body(new ZodPipe(roleClaimsRequestSchema)) body: RoleClaimsRequest) {
    return this.claims.roleClaims(env, body.organization_id, body.role_slugs);
  }

  /** Which of these permission slugs the catalogue lacks (identity refuses API keys naming them). */
  @Post('unknown_permissions')
  @HttpCode(200)
  @ReadsOnly()
  async unknownPermissions(@EnvironmentId() env: string, @Body(new ZodPipe(permissionSlugsRequestSchema)) body: PermissionSlugsRequest) {
    return { unknown_slugs: await this.permissions.unknownSlugs(env, body.slugs) };
  }
}
