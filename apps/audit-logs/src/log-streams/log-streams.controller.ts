import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { createLogStreamBodySchema, listLogStreamsQuerySchema, updateLogStreamBodySchema, type CreateLogStreamBody, type ListLogStreamsQuery, type UpdateLogStreamBody } from './log-streams.dto';
import { LogStreamsService } from './log-streams.service';

@Controller('audit_logs/log_streams')
export class LogStreamsController {
  constructor(private readonly streams: LogStreamsService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createLogStreamBodySchema)) body: CreateLogStreamBody) {
    return this.streams.create(env, body);
  }

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listLogStreamsQuerySchema)) q: ListLogStreamsQuery) {
    return this.streams.list(env, q.organization_id, q);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.streams.get(env, id);
  }

  @Patch(':id')
  update(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(updateLogStreamBodySchema)) body: UpdateLogStreamBody) {
    return this.streams.update(env, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('id') id: string): Promise<void> {
    await this.streams.delete(env, id);
  }
}
