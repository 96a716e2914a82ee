import { Controller, Get, Query } from '@nestjs/common';
import { z } from 'zod';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { MembershipsService } from './memberships.service';

const exportQuerySchema = z.object({
  after: z.string().regex(/^om_[0-9A-HJKMNP-TV-Z]{26}$/).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
type ExportQuery = z.infer<typeof exportQuerySchema>;

/**
 * Service-to-service (authorization's membership backfill, INTERNAL_CALLS): the gateway routes no
 * `/internal` path, so only a caller holding identity's internal key reaches it, for the
 * environment it signed.
 */
@Controller('internal/identity/organization_memberships')
export class MembershipsExportController {
  constructor(private readonly memberships: MembershipsService) {}

  @Get()
  page(@EnvironmentId() env: string, @Query(new ZodPipe(exportQuerySchema)) q: ExportQuery) {
    return this.memberships.exportPage(env, q.after ?? null, q.limit);
  }
}
