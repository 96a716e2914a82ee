import { Module } from '@nestjs/common';
import { ChainModule } from '../chain/chain.module';
import { APP_CONFIG, type AppConfig } from '../config';
import { EXPORT_STORAGE, LocalFileExportStorage } from './export-storage.repository';
import { ExportDownloadsController } from './export-downloads.controller';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { ExportsService } from './exports.service';
import { ExportProcessor } from './jobs/export.processor';

@Module({
  imports: [ChainModule],
  controllers: [ExportsController, ExportDownloadsController],
  providers: [
    ExportsRepository,
    ExportsService,
    ExportProcessor,
    // The storage port's adapter; an S3 adapter would be chosen here by configuration.
    { provide: EXPORT_STORAGE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new LocalFileExportStorage(config.AUDIT_LOGS_EXPORT_DIR) },
  ],
  exports: [ExportsService],
})
export class ExportsModule {}
