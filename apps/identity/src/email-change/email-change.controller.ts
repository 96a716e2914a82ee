import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { confirmEmailChangeSchema, sendEmailChangeSchema, type ConfirmEmailChangeInput, type SendEmailChangeInput } from './email-change.dto';
import { EmailChangeService } from './email-change.service';

@RequireApiKey()
@Controller('user_management/users/:id/email_change')
export class EmailChangeController {
  constructor(private readonly emailChange: EmailChangeService) {}

  @Post('send')
  @HttpCode(200)
  send(@EnvironmentId() env: string, @Param('id') userId: string, @Body(new ZodPipe(sendEmailChangeSchema)) body: SendEmailChangeInput) {
    return this.emailChange.send(env, userId, body.new_email);
  }

  @Post('confirm')
  @HttpCode(200)
  confirm(@EnvironmentId() env: string, @Param('id') userId: string, @Body(new ZodPipe(confirmEmailChangeSchema)) body: ConfirmEmailChangeInput) {
    return this.emailChange.confirm(env, userId, body.code);
  }
}
