import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { roleClaimsRequestSchema, type RoleClaimsRequest } from './claims.dto';
import { ClaimsService } from './claims.service';

/**
 * Service-to-service (identity, INTERNAL_CALLS): the gateway routes no `/internal` path, so only
 * a caller holding authorization's internal key reaches it, for the environment it signed.
 */
@Controller('internal/authorization')
export class ClaimsController {
  constructor(private readonly claims: ClaimsService) {}

  @Post('role_claims')
  @HttpCode(200)
  roleClaims(@EnvironmentId() env: string, @Body(new ZodPipe(roleClaimsRequestSchema)) body: RoleClaimsRequest) {
    return this.claims.roleClaims(env, body.organization_id, body.role_slugs);
  }
}
