import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import {
  createResourceSchema,
  deleteResourceQuerySchema,
  listResourcesQuerySchema,
  updateResourceSchema,
  type CreateResourceInput,
  type ListResourcesQuery,
  type UpdateResourceInput,
} from './resources.dto';
import { ResourcesService } from './resources.service';

/** `/authorization/resources` by ID (WORKOS_API.md §16). */
@Controller('authorization/resources')
@RequireApiKey()
export class ResourcesController {
  constructor(private readonly resources: ResourcesService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createResourceSchema)) body: CreateResourceInput) {
    return this.resources.create(env, body);
  }

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listResourcesQuerySchema)) query: ListResourcesQuery) {
    return this.resources.list(env, query);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.resources.get(env, { id });
  }

  @Patch(':id')
  update(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(updateResourceSchema)) body: UpdateResourceInput) {
    return this.resources.update(env, { id }, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('id') id: string, @Query(new ZodPipe(deleteResourceQuerySchema)) q: { cascade_delete?: string }): Promise<void> {
    await this.resources.delete(env, { id }, q.cascade_delete === 'true');
  }
}

/** `/authorization/organizations/:orgId/resources/:type/:externalId`: the same resource by external ID. */
@Controller('authorization/organizations/:orgId/resources/:type/:externalId')
@RequireApiKey()
export class ResourcesByExternalIdController {
  constructor(private readonly resources: ResourcesService) {}

  @Get()
  get(@EnvironmentId() env: string, @Param('orgId') organizationId: string, @Param('type') typeSlug: string, @Param('externalId') externalId: string) {
    return this.resources.get(env, { organizationId, typeSlug, externalId });
  }

  @Patch()
  update(
    @EnvironmentId() env: string,
    @Param('orgId') organizationId: string,
    @Param('type') typeSlug: string,
    @Param('externalId') externalId: string,
    @Body(new ZodPipe(updateResourceSchema)) body: UpdateResourceInput,
  ) {
    return this.resources.update(env, { organizationId, typeSlug, externalId }, body);
  }

  @Delete()
  @HttpCode(204)
  async delete(
    @EnvironmentId() env: string,
    @Param('orgId') organizationId: string,
    @Param('type') typeSlug: string,
    @Param('externalId') externalId: string,
    @Query(new ZodPipe(deleteResourceQuerySchema)) q: { cascade_delete?: string },
  ): Promise<void> {
    await this.resources.delete(env, { organizationId, typeSlug, externalId }, q.cascade_delete === 'true');
  }
}
