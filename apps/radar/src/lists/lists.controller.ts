import { Body, Controller, Delete, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { listEntryBodySchema, listPathSchema, type ListEntryBody, type ListPath } from './lists.dto';
import { ListsService } from './lists.service';

/** `radar.addListEntry` (POST) and `radar.removeListEntry` (DELETE with a body). */
@Controller('radar/lists/:type/:action')
export class ListsController {
  constructor(private readonly lists: ListsService) {}

  /** 201 when the entry is new, 200 when it was already there (the SDK reads `message` either way). */
  @Post()
  async add(
    @EnvironmentId() env: string,
    @Param(new ZodPipe(listPathSchema)) path: ListPath,
    @Body(new ZodPipe(listEntryBodySchema)) body: ListEntryBody,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const { created, message } = await this.lists.add(env, path, body.entry);
    res.status(created ? 201 : 200);
    return { message };
  }

  @Delete()
  @HttpCode(204)
  async remove(@EnvironmentId() env: string, @Param(new ZodPipe(listPathSchema)) path: ListPath, @Body(new ZodPipe(listEntryBodySchema)) body: ListEntryBody) {
    await this.lists.remove(env, path, body.entry);
  }
}
