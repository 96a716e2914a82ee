import { Controller, Get, Param, Res, StreamableFile } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ExportsService } from './exports.service';

/** The download link: unsigned by the gateway (route auth `none`); the sealed token is the credential. */
@Controller('audit_logs/downloads')
export class ExportDownloadsController {
  constructor(private readonly exports: ExportsService) {}

  @Get(':token')
  async download(@Param('token') token: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const file = await this.exports.download(token);
    const [type, name] = file.file === 'csv' ? ['text/csv; charset=utf-8', `${file.id}.csv`] : ['application/jsonl', `${file.id}.chain.jsonl`];
    void reply.header('content-type', type).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store');
    return new StreamableFile(file.stream);
  }
}
