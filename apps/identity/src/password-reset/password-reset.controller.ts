import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { PasswordResetService } from './password-reset.service';
import { createPasswordResetSchema, resetPasswordSchema, type CreatePasswordResetInput, type ResetPasswordInput } from './password-reset.dto';

@RequireApiKey()
@Controller('user_management/password_reset')
export class PasswordResetController {
  constructor(private readonly resets: PasswordResetService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createPasswordResetSchema)) body: CreatePasswordResetInput) {
    return this.resets.create(env, body.email);
  }

  @Post('confirm')
  @HttpCode(200)
  confirm(@EnvironmentId() env: string, @Body(new ZodPipe(resetPasswordSchema)) body: ResetPasswordInput) {
    return this.resets.reset(env, body);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.resets.get(env, id);
  }
}
