import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { MagicAuthService } from './magic-auth.service';
import { createMagicAuthSchema, type CreateMagicAuthInput } from './magic-auth.dto';

@RequireApiKey()
@Controller('user_management/magic_auth')
export class MagicAuthController {
  constructor(private readonly magicAuth: MagicAuthService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createMagicAuthSchema)) body: CreateMagicAuthInput) {
    return this.magicAuth.create(env, body);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.magicAuth.get(env, id);
  }
}
