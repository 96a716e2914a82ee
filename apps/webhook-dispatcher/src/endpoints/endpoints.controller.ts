import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { EndpointsService } from './endpoints.service';
import {
  createEndpointSchema,
  listEndpointsQuerySchema,
  rotateSecretSchema,
  updateEndpointSchema,
  type CreateEndpointInput,
  type ListEndpointsQuery,
  type RotateSecretInput,
  type UpdateEndpointInput,
} from './endpoints.dto';

@Controller('webhook_endpoints')
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listEndpointsQuerySchema)) query: ListEndpointsQuery) {
    return this.endpoints.list(env, query);
  }

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createEndpointSchema)) body: CreateEndpointInput) {
    return this.endpoints.create(env, body);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.endpoints.get(env, id);
  }

  @Patch(':id')
  update(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(updateEndpointSchema)) body: UpdateEndpointInput) {
    return this.endpoints.update(env, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('id') id: string): Promise<void> {
    await this.endpoints.delete(env, id);
  }

  @Post(':id/rotate_secret')
  @HttpCode(200)
  rotateSecret(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(rotateSecretSchema)) body: RotateSecretInput) {
    return this.endpoints.rotateSecret(env, id, body);
  }
}
