import { Readable } from 'node:stream';
import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { monthOf } from '../usage-core/calendar';
import { exportFileName } from '../usage-core/usage-csv';
import { UsageService } from './usage.service';
import { exportQuerySchema, usageQuerySchema, type ExportQuery, type UsageMonthsWire, type UsageQuery, type UsageWire } from './usage.dto';

/** The usage management routes (API key through the gateway); every read is the caller's environment only. */
@Controller('usage')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  get(@EnvironmentId() environmentId: string, @Query(new ZodPipe(usageQuerySchema)) query: UsageQuery): Promise<UsageWire> {
    return this.usage.usage(environmentId, query.month);
  }

  @Get('months')
  months(@EnvironmentId() environmentId: string): Promise<UsageMonthsWire> {
    return this.usage.months(environmentId);
  }

  @Get('export.csv')
  export(@EnvironmentId() environmentId: string, @Query(new ZodPipe(exportQuerySchema)) query: ExportQuery, @Res({ passthrough: true }) reply: FastifyReply): StreamableFile {
    const month = query.month ?? monthOf(new Date());
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${exportFileName(environmentId, month, query.report)}"`)
      .header('cache-control', 'no-store');
    const lines = query.report === 'rate_limits' ? this.usage.exportRateLimitsCsv(environmentId, month) : this.usage.exportCsv(environmentId, month);
    return new StreamableFile(Readable.from(lines));
  }
}
