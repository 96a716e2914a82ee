import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe, type PaginationQuery } from '@wos/platform';
import {
  createBlueprintSchema,
  linkClaimAttemptSchema,
  listBlueprintsQuerySchema,
  listInstancesQuerySchema,
  listSessionsQuerySchema,
  mintTokenSchema,
  updateBlueprintSchema,
  validateCredentialSchema,
  type CreateBlueprintInput,
  type LinkClaimAttemptInput,
  type ListInstancesQuery,
  type ListSessionsQuery,
  type MintTokenInput,
  type UpdateBlueprintInput,
  type ValidateCredentialInput,
} from './agents.dto';
import { AgentsService } from './agents.service';
import { AgentTokensService } from './agent-tokens.service';

/** `/agents/*` (SDK 11 `agents`; WORKOS_API.md §21). */
@RequireApiKey()
@Controller('agents')
export class AgentsController {
  constructor(
    private readonly agents: AgentsService,
    private readonly tokens: AgentTokensService,
  ) {}

  @Post('blueprints')
  @HttpCode(201)
  createBlueprint(@EnvironmentId() env: string, @Body(new ZodPipe(createBlueprintSchema)) body: CreateBlueprintInput) {
    return this.agents.createBlueprint(env, body);
  }

  @Get('blueprints')
  listBlueprints(@EnvironmentId() env: string, @Query(new ZodPipe(listBlueprintsQuerySchema)) q: PaginationQuery) {
    return this.agents.listBlueprints(env, q);
  }

  @Get('blueprints/:id')
  getBlueprint(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.agents.getBlueprint(env, id);
  }

  @Patch('blueprints/:id')
  updateBlueprint(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(updateBlueprintSchema)) body: UpdateBlueprintInput) {
    return this.agents.updateBlueprint(env, id, body);
  }

  @Delete('blueprints/:id')
  @HttpCode(204)
  async deleteBlueprint(@EnvironmentId() env: string, @Param('id') id: string): Promise<void> {
    await this.agents.deleteBlueprint(env, id);
  }

  @Post('blueprints/:id/tokens')
  @HttpCode(200)
  mint(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(mintTokenSchema)) body: MintTokenInput) {
    return this.tokens.mint(env, id, body);
  }

  @Get('instances')
  listInstances(@EnvironmentId() env: string, @Query(new ZodPipe(listInstancesQuerySchema)) q: ListInstancesQuery) {
    return this.agents.listInstances(env, q);
  }

  @Get('instances/:id')
  getInstance(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.agents.getInstance(env, id);
  }

  @Delete('instances/:id')
  @HttpCode(204)
  async deleteInstance(@EnvironmentId() env: string, @Param('id') id: string): Promise<void> {
    await this.agents.deleteInstance(env, id);
  }

  @Get('sessions')
  listSessions(@EnvironmentId() env: string, @Query(new ZodPipe(listSessionsQuerySchema)) q: ListSessionsQuery) {
    return this.agents.listSessions(env, q);
  }

  @Get('sessions/:id')
  getSession(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.agents.getSession(env, id);
  }

  @Post('sessions/:id/revoke')
  @HttpCode(200)
  revokeSession(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.agents.revokeSession(env, id);
  }

  @Patch('claims/attempts')
  linkClaimAttempt(@EnvironmentId() env: string, @Body(new ZodPipe(linkClaimAttemptSchema)) body: LinkClaimAttemptInput) {
    return this.agents.linkClaimAttempt(env, body);
  }

  @Get('registrations/:id')
  getRegistration(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.agents.getRegistration(env, id);
  }

  @Post('registrations/:id/revoke')
  @HttpCode(200)
  revokeRegistration(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.agents.revokeRegistration(env, id);
  }

  @Post('credentials/validate')
  @HttpCode(200)
  validate(@EnvironmentId() env: string, @Body(new ZodPipe(validateCredentialSchema)) body: ValidateCredentialInput) {
    return this.tokens.validate(env, body);
  }
}
