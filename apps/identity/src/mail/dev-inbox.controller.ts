import { Controller, Get, Header, Query } from '@nestjs/common';
import { ZodPipe } from '@wos/platform';
import { z } from 'zod';
import { DevInboxService } from './dev-inbox.service';
import { renderInboxPage } from './dev-inbox.page';

const inboxQuerySchema = z.strictObject({ to: z.string().max(320).optional() });
type InboxQuery = z.infer<typeof inboxQuerySchema>;

/**
 * GET /dev/mail (HTML) and /dev/mail/messages (JSON): the development inbox. Gateway route auth
 * `none` and unsigned here: development only (DevInboxService answers 404 in any other mode).
 */
@Controller('dev/mail')
export class DevInboxController {
  constructor(private readonly inbox: DevInboxService) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async page(@Query(new ZodPipe(inboxQuerySchema)) q: InboxQuery): Promise<string> {
    return renderInboxPage(await this.inbox.list(q.to), q.to);
  }

  @Get('messages')
  @Header('cache-control', 'no-store')
  async messages(@Query(new ZodPipe(inboxQuerySchema)) q: InboxQuery) {
    return { data: await this.inbox.list(q.to) };
  }
}
