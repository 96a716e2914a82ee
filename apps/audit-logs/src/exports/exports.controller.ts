import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { createExportBodySchema, type CreateExportBody } from './exports.dto';
import { ExportsService } from './exports.service';

@Controller('audit_logs/exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createExportBodySchema)) body: CreateExportBody) {
    return this.exports.create(env, body);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.exports.get(env, id);
  }
}
