import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { runSlugMigrationSchema, type RunSlugMigrationInput } from './slug-migration.dto';
import { SlugMigrationService } from './slug-migration.service';

/**
 * `POST /authorization/role_slug_migration`: ours (no SDK method), for the caller's environment;
 * `wos authorization migrate-role-slugs` calls it until it answers `completed`.
 */
@Controller('authorization/role_slug_migration')
@RequireApiKey()
export class SlugMigrationController {
  constructor(private readonly migration: SlugMigrationService) {}

  @Post()
  @HttpCode(200)
  run(@EnvironmentId() env: string, @Body(new ZodPipe(runSlugMigrationSchema)) body: RunSlugMigrationInput) {
    return this.migration.run(env, body.max_pages ?? 10);
  }
}
