import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { generateLinkSchema, type GenerateLinkInput } from './links.dto';
import { LinksService } from './links.service';

/** `POST /portal/generate_link` (WORKOS_API.md §15, the SDK's `adminPortal.generateLink`). */
@RequireApiKey()
@Controller('portal')
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @Post('generate_link')
  @HttpCode(201)
  generate(@EnvironmentId() env: string, @Body(new ZodPipe(generateLinkSchema)) body: GenerateLinkInput) {
    return this.links.generate(env, body);
  }
}
