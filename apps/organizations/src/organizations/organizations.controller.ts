import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { OrganizationsService } from './organizations.service';
import {
  createOrganizationSchema,
  listOrganizationsQuerySchema,
  updateOrganizationSchema,
  type CreateOrganizationInput,
  type ListOrganizationsQuery,
  type UpdateOrganizationInput,
} from './organizations.dto';

@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listOrganizationsQuerySchema)) query: ListOrganizationsQuery) {
    return this.organizations.list(env, query);
  }

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createOrganizationSchema)) body: CreateOrganizationInput) {
    return this.organizations.create(env, body);
  }

  @Get('external_id/:externalId')
  getByExternalId(@EnvironmentId() env: string, @Param('externalId') externalId: string) {
    return this.organizations.getByExternalId(env, externalId);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.organizations.get(env, id);
  }

  @Put(':id')
  update(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(updateOrganizationSchema)) body: UpdateOrganizationInput) {
    return this.organizations.update(env, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('id') id: string): Promise<void> {
    await this.organizations.delete(env, id);
  }
}
