import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res, UseInterceptors } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ScimAuthService } from './scim-auth.service';
import { ScimRequestLogInterceptor } from './scim-request-log.interceptor';
import { ScimUsersService } from './scim-users.service';

/** RFC 7644 /Users of one directory. The directory's bearer token authenticates every call. */
@Controller('scim/v2/:directoryId/Users')
@UseInterceptors(ScimRequestLogInterceptor)
export class ScimUsersController {
  constructor(private readonly auth: ScimAuthService, private readonly users: ScimUsersService) {}

  @Get()
  async list(@Param('directoryId') dir: string, @Headers('authorization') authz: string | undefined, @Query() query: Record<string, unknown>) {
    return this.users.list(await this.auth.authenticate(dir, authz), query);
  }

  @Post()
  @HttpCode(201)
  async create(@Param('directoryId') dir: string, @Headers('authorization') authz: string | undefined, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const created = await this.users.create(await this.auth.authenticate(dir, authz), body);
    void reply.header('location', (created.meta as { location: string }).location);
    return created;
  }

  @Get(':id')
  async get(@Param('directoryId') dir: string, @Param('id') id: string, @Headers('authorization') authz: string | undefined) {
    return this.users.get(await this.auth.authenticate(dir, authz), id);
  }

  @Put(':id')
  async replace(@Param('directoryId') dir: string, @Param('id') id: string, @Headers('authorization') authz: string | undefined, @Body() body: unknown) {
    return this.users.replace(await this.auth.authenticate(dir, authz), id, body);
  }

  @Patch(':id')
  async patch(@Param('directoryId') dir: string, @Param('id') id: string, @Headers('authorization') authz: string | undefined, @Body() body: unknown) {
    return this.users.patch(await this.auth.authenticate(dir, authz), id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('directoryId') dir: string, @Param('id') id: string, @Headers('authorization') authz: string | undefined): Promise<void> {
    await this.users.delete(await this.auth.authenticate(dir, authz), id);
  }
}
