import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res, UseInterceptors } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ScimAuthService } from './scim-auth.service';
import { ScimRequestLogInterceptor } from './scim-request-log.interceptor';
import { ScimGroupsService } from './scim-groups.service';

/** RFC 7644 /Groups of one directory. */
@Controller('scim/v2/:directoryId/Groups')
@UseInterceptors(ScimRequestLogInterceptor)
export class ScimGroupsController {
  constructor(private readonly auth: ScimAuthService, private readonly groups: ScimGroupsService) {}

  @Get()
  async list(@Param('directoryId') dir: string, @Headers('authorization') authz: string | undefined, @Query() query: Record<string, unknown>) {
    return this.groups.list(await this.auth.authenticate(dir, authz), query);
  }

  @Post()
  @HttpCode(201)
  async create(@Param('directoryId') dir: string, @Headers('authorization') authz: string | undefined, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const created = await this.groups.create(await this.auth.authenticate(dir, authz), body);
    void reply.header('location', (created.meta as { location: string }).location);
    return created;
  }

  @Get(':id')
  async get(@Param('directoryId') dir: string, @Param('id') id: string, @Headers('authorization') authz: string | undefined, @Query() query: Record<string, unknown>) {
    return this.groups.get(await this.auth.authenticate(dir, authz), id, query);
  }

  @Put(':id')
  async replace(@Param('directoryId') dir: string, @Param('id') id: string, @Headers('authorization') authz: string | undefined, @Body() body: unknown) {
    return this.groups.replace(await this.auth.authenticate(dir, authz), id, body);
  }

  @Patch(':id')
  async patch(@Param('directoryId') dir: string, @Param('id') id: string, @Headers('authorization') authz: string | undefined, @Body() body: unknown, @Query() query: Record<string, unknown>) {
    return this.groups.patch(await this.auth.authenticate(dir, authz), id, body, query);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('directoryId') dir: string, @Param('id') id: string, @Headers('authorization') authz: string | undefined): Promise<void> {
    await this.groups.delete(await this.auth.authenticate(dir, authz), id);
  }
}
