import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import {
  createIntegrationSchema,
  listIntegrationsQuerySchema,
  slugSchema,
  updateIntegrationSchema,
  type CreateIntegrationInput,
  type ListIntegrationsQuery,
  type UpdateIntegrationInput,
} from '../integrations/integrations.dto';
import { IntegrationsService } from '../integrations/integrations.service';
import { AccountsService } from './accounts.service';

const slug = new ZodPipe(slugSchema);

/** `/data-integrations` CRUD by slug, and the organization-owned variant at `/:slug/organization`. */
@Controller('data-integrations')
@RequireApiKey()
export class DataIntegrationsController {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly accounts: AccountsService,
  ) {}

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listIntegrationsQuerySchema)) q: ListIntegrationsQuery) {
    return this.integrations.list(env, q);
  }

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createIntegrationSchema)) body: CreateIntegrationInput) {
    return this.accounts.createIntegration(env, body);
  }

  @Get(':slug')
  async get(@EnvironmentId() env: string, @Param('slug', slug) s: string) {
    return this.integrations.wire(await this.integrations.get(env, s, 'user'));
  }

  @Put(':slug')
  update(@EnvironmentId() env: string, @Param('slug', slug) s: string, @Body(new ZodPipe(updateIntegrationSchema)) body: UpdateIntegrationInput) {
    return this.accounts.updateIntegration(env, s, 'user', body);
  }

  @Delete(':slug')
  @HttpCode(204)
  delete(@EnvironmentId() env: string, @Param('slug', slug) s: string) {
    return this.accounts.deleteIntegration(env, s, 'user');
  }

  @Get(':slug/organization')
  async getOrganization(@EnvironmentId() env: string, @Param('slug', slug) s: string) {
    return this.integrations.wire(await this.integrations.get(env, s, 'organization'));
  }

  @Put(':slug/organization')
  updateOrganization(@EnvironmentId() env: string, @Param('slug', slug) s: string, @Body(new ZodPipe(updateIntegrationSchema)) body: UpdateIntegrationInput) {
    return this.accounts.updateIntegration(env, s, 'organization', body);
  }

  @Delete(':slug/organization')
  @HttpCode(204)
  deleteOrganization(@EnvironmentId() env: string, @Param('slug', slug) s: string) {
    return this.accounts.deleteIntegration(env, s, 'organization');
  }
}
