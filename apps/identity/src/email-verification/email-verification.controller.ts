import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { EmailVerificationService } from './email-verification.service';
import { sendVerificationEmailSchema, verifyEmailSchema, type VerifyEmailInput } from './email-verification.dto';

@RequireApiKey()
@Controller('user_management')
export class EmailVerificationController {
  constructor(private readonly verification: EmailVerificationService) {}

  @Get('email_verification/:id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.verification.get(env, id);
  }

  @Post('users/:id/email_verification/send')
  @HttpCode(200)
  send(@EnvironmentId() env: string, @Param('id') userId: string, @Body(new ZodPipe(sendVerificationEmailSchema)) _body: unknown) {
    return this.verification.send(env, userId);
  }

  @Post('users/:id/email_verification/confirm')
  @HttpCode(200)
  confirm(@EnvironmentId() env: string, @Param('id') userId: string, @Body(new ZodPipe(verifyEmailSchema)) body: VerifyEmailInput) {
    return this.verification.verify(env, userId, body.code);
  }
}
