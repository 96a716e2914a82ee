import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { DirectoriesService } from './directories.service';
import { createDirectorySchema, listDirectoriesQuerySchema, provisioningSchema, roleMappingsSchema, type CreateDirectoryInput, type ListDirectoriesQuery, type ProvisioningInput, type RoleMappingsInput } from './directories.dto';

/* Management API: API-key callers only, whatever a signed context says (M10). */
@RequireApiKey()
@Controller('directories')
export class DirectoriesController {
  constructor(private readonly directories: DirectoriesService) {}

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listDirectoriesQuerySchema)) query: ListDirectoriesQuery) {
    return this.directories.list(env, query);
  }

  /** Management API (our extension): answers the SCIM base URL and the bearer token, shown once. */
  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createDirectorySchema)) body: CreateDirectoryInput) {
    return this.directories.create(env, body);
  }

  @Post(':id/token')
  @HttpCode(201)
  rotateToken(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.directories.rotateToken(env, id);
  }

  /** Group → role assignments (our extension). */
  @Get(':id/role_mappings')
  getRoleMappings(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.directories.getRoleMappings(env, id);
  }

  @Put(':id/role_mappings')
  setRoleMappings(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(roleMappingsSchema)) body: RoleMappingsInput) {
    return this.directories.setRoleMappings(env, id, body);
  }

  /** AuthKit user provisioning (our extension). */
  @Get(':id/provisioning')
  getProvisioning(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.directories.getProvisioning(env, id);
  }

  @Put(':id/provisioning')
  setProvisioning(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(provisioningSchema)) body: ProvisioningInput) {
    return this.directories.setProvisioning(env, id, body);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.directories.get(env, id);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('id') id: string): Promise<void> {
    await this.directories.delete(env, id);
  }
}
