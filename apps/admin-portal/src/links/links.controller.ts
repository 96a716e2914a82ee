import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { ItContactsService } from '../it-contacts/it-contacts.service';
import { generateLinkSchema, type GenerateLinkInput } from './links.dto';
import { LinksService } from './links.service';

/**
 * `POST /portal/generate_link` (WORKOS_API.md §15, the SDK's `adminPortal.generateLink`).
 * Registered in ItContactsModule: `admin_emails` invites IT contacts before the caller's link is issued.
 */
@RequireApiKey()
@Controller('portal')
export class LinksController {
  constructor(
    private readonly links: LinksService,
    private readonly contacts: ItContactsService,
  ) {}

  @Post('generate_link')
  @HttpCode(201)
  async generate(@EnvironmentId() env: string, @Body(new ZodPipe(generateLinkSchema)) body: GenerateLinkInput) {
    // The admins' own links are mailed first: if mail is down the call fails (503) and issues no link.
    if (body.admin_emails?.length) await this.contacts.inviteAdmins(env, body.organization, body.admin_emails, body.intent);
    return this.links.generate(env, body);
  }
}
