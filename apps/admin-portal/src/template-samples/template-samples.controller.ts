import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { createTemplateSampleSchema, type CreateTemplateSampleInput } from './template-samples.dto';
import { TemplateSamplesService } from './template-samples.service';

@Controller('admin_portal/template_samples')
export class TemplateSamplesController {
  constructor(private readonly samples: TemplateSamplesService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createTemplateSampleSchema)) body: CreateTemplateSampleInput) {
    return this.samples.create(env, body);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.samples.get(env, id);
  }
}
