import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import {
  createApplicationSchema,
  createSecretSchema,
  listApplicationsQuerySchema,
  updateApplicationSchema,
  type CreateApplicationInput,
  type ListApplicationsQuery,
  type UpdateApplicationInput,
} from './applications.dto';
import { ApplicationsService } from './applications.service';

/** `/connect/applications` and `/connect/client_secrets` (WORKOS_API.md §21). */
@RequireApiKey()
@Controller('connect')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post('applications')
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createApplicationSchema)) body: CreateApplicationInput) {
    return this.applications.create(env, body);
  }

  @Get('applications')
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listApplicationsQuerySchema)) q: ListApplicationsQuery) {
    return this.applications.list(env, q);
  }

  @Get('applications/:id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.applications.get(env, id);
  }

  @Put('applications/:id')
  update(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(updateApplicationSchema)) body: UpdateApplicationInput) {
    return this.applications.update(env, id, body);
  }

  @Delete('applications/:id')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('id') id: string): Promise<void> {
    await this.applications.delete(env, id);
  }

  @Get('applications/:id/client_secrets')
  listSecrets(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.applications.listSecrets(env, id);
  }

  @Post('applications/:id/client_secrets')
  @HttpCode(201)
  createSecret(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(createSecretSchema)) _body: object) {
    return this.applications.createSecret(env, id);
  }

  @Delete('client_secrets/:id')
  @HttpCode(204)
  async deleteSecret(@EnvironmentId() env: string, @Param('id') id: string): Promise<void> {
    await this.applications.deleteSecret(env, id);
  }
}
