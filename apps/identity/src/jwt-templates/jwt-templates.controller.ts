import { Body, Controller, Get, Put } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { updateJwtTemplateSchema, type UpdateJwtTemplateInput } from './jwt-templates.dto';
import { JwtTemplatesService } from './jwt-templates.service';

@RequireApiKey()
@Controller('user_management/jwt_template')
export class JwtTemplatesController {
  constructor(private readonly templates: JwtTemplatesService) {}

  @Get()
  get(@EnvironmentId() env: string) {
    return this.templates.get(env);
  }

  @Put()
  update(@EnvironmentId() env: string, @Body(new ZodPipe(updateJwtTemplateSchema)) body: UpdateJwtTemplateInput) {
    return this.templates.update(env, body.content);
  }
}
