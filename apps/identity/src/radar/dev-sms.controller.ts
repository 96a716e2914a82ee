import { Controller, Get, Header, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { NotFoundError, ZodPipe } from '@wos/platform';
import { DevelopmentSmsSender, SMS_SENDER, type SmsSender } from './sms-sender';

const querySchema = z.strictObject({ to: z.string().max(32).optional() });

/**
 * GET /dev/sms/messages: the development adapter's messages (newest first). Gateway auth `none`
 * and unsigned, like /dev/mail; 404 unless SMS_PROVIDER=development outside production.
 */
@Controller('dev/sms')
export class DevSmsController {
  constructor(@Inject(SMS_SENDER) private readonly sms: SmsSender) {}

  @Get('messages')
  @Header('cache-control', 'no-store')
  messages(@Query(new ZodPipe(querySchema)) q: z.infer<typeof querySchema>) {
    if (!(this.sms instanceof DevelopmentSmsSender) || this.sms.production) throw new NotFoundError('a development SMS inbox', 'dev/sms');
    return { data: this.sms.list(q.to) };
  }
}
