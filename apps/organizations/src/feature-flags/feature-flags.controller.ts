import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { FeatureFlagsService } from './feature-flags.service';
import { createFlagSchema, listFlagsQuerySchema, updateFlagSchema, type CreateFlagInput, type ListFlagsQuery, type UpdateFlagInput } from './feature-flags.dto';

/** The SDK's `featureFlags` methods (WORKOS_API.md §18) and our management extension (POST, PATCH, DELETE). */
@Controller('feature-flags')
@RequireApiKey()
export class FeatureFlagsController {
  constructor(private readonly flags: FeatureFlagsService) {}

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listFlagsQuerySchema)) query: ListFlagsQuery) {
    return this.flags.list(env, query);
  }

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createFlagSchema)) body: CreateFlagInput) {
    return this.flags.create(env, body);
  }

  @Get(':slug')
  get(@EnvironmentId() env: string, @Param('slug') slug: string) {
    return this.flags.get(env, slug);
  }

  @Patch(':slug')
  update(@EnvironmentId() env: string, @Param('slug') slug: string, @Body(new ZodPipe(updateFlagSchema)) body: UpdateFlagInput) {
    return this.flags.update(env, slug, body);
  }

  @Delete(':slug')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('slug') slug: string): Promise<void> {
    await this.flags.delete(env, slug);
  }

  @Put(':slug/enable')
  enable(@EnvironmentId() env: string, @Param('slug') slug: string) {
    return this.flags.setEnabled(env, slug, true);
  }

  @Put(':slug/disable')
  disable(@EnvironmentId() env: string, @Param('slug') slug: string) {
    return this.flags.setEnabled(env, slug, false);
  }

  @Post(':slug/targets/:targetId')
  @HttpCode(200)
  async addTarget(@EnvironmentId() env: string, @Param('slug') slug: string, @Param('targetId') targetId: string): Promise<Record<string, never>> {
    await this.flags.addTarget(env, slug, targetId);
    return {};
  }

  @Delete(':slug/targets/:targetId')
  @HttpCode(204)
  async removeTarget(@EnvironmentId() env: string, @Param('slug') slug: string, @Param('targetId') targetId: string): Promise<void> {
    await this.flags.removeTarget(env, slug, targetId);
  }
}
