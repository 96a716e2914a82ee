import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import {
  createObjectSchema,
  deleteObjectQuerySchema,
  listObjectsQuerySchema,
  updateObjectSchema,
  type CreateObjectInput,
  type ListObjectsQuery,
  type UpdateObjectInput,
} from './objects.dto';
import { ObjectsService } from './objects.service';
import type { Reader } from './objects.events';

/** The client as the gateway forwarded it (req.ip trusts only the gateway's hop); bounded for the event. */
const readerOf = (req: FastifyRequest): Reader => {
  const ua = req.headers['user-agent'];
  return { ipAddress: req.ip ? req.ip.slice(0, 64) : null, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null };
};

/** `/vault/v1/kv` (WORKOS_API.md §14.1). `name/:name` is a static segment, so it wins over `:id/…`. */
@Controller('vault/v1/kv')
@RequireApiKey()
export class ObjectsController {
  constructor(private readonly objects: ObjectsService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createObjectSchema)) body: CreateObjectInput) {
    return this.objects.create(env, body);
  }

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listObjectsQuerySchema)) query: ListObjectsQuery) {
    return this.objects.list(env, query);
  }

  @Get('name/:name')
  readByName(@EnvironmentId() env: string, @Param('name') name: string, @Req() req: FastifyRequest) {
    return this.objects.readByName(env, name, readerOf(req));
  }

  @Get(':id')
  read(@EnvironmentId() env: string, @Param('id') id: string, @Req() req: FastifyRequest) {
    return this.objects.read(env, id, readerOf(req));
  }

  @Get(':id/metadata')
  describe(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.objects.describe(env, id);
  }

  @Get(':id/versions')
  versions(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.objects.listVersions(env, id);
  }

  @Put(':id')
  update(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(updateObjectSchema)) body: UpdateObjectInput) {
    return this.objects.update(env, id, body.value, body.version_check ?? null);
  }

  @Delete(':id')
  @HttpCode(200)
  async delete(@EnvironmentId() env: string, @Param('id') id: string, @Query(new ZodPipe(deleteObjectQuerySchema)) query: { version_check?: string }) {
    await this.objects.delete(env, id, query.version_check ?? null);
    return {};
  }
}
