import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { magicLinkCodeRequestSchema, type MagicLinkCodeRequest } from './magic-link.dto';
import { MagicLinkService } from './magic-link.service';

/**
 * Service-to-service (identity, INTERNAL_CALLS): the gateway routes no `/internal` path, so only
 * a caller holding sso's internal key reaches it, for the environment it signed.
 */
@Controller('internal/sso')
export class MagicLinkController {
  constructor(private readonly magicLinks: MagicLinkService) {}

  @Post('magic_link_codes')
  @HttpCode(201)
  issue(@EnvironmentId() env: string, @Body(new ZodPipe(magicLinkCodeRequestSchema)) body: MagicLinkCodeRequest) {
    return this.magicLinks.issueCode(env, body);
  }
}
