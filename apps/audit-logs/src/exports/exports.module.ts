import { Module } from '@nestjs/common';
import { ChainModule } from '../chain/chain.module';
import { APP_CONFIG, type AppConfig } from '../config';
import { EXPORT_STORAGE, LocalFileExportStorage, type ExportStorage } from './export-storage.repository';
import { S3ExportStorage } from './s3-export-storage.repository';
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
    // The storage port's adapter, chosen by AUDIT_LOGS_EXPORT_STORAGE.
    { provide: EXPORT_STORAGE, inject: [APP_CONFIG], useFactory: exportStorageFor },
  ],
  exports: [ExportsService],
})
export class ExportsModule {}

export function exportStorageFor(config: AppConfig): ExportStorage {
  if (config.AUDIT_LOGS_EXPORT_STORAGE === 'local') return new LocalFileExportStorage(config.AUDIT_LOGS_EXPORT_DIR);
  return new S3ExportStorage({
    bucket: config.AUDIT_LOGS_S3_BUCKET!,
    prefix: config.AUDIT_LOGS_S3_PREFIX,
    region: config.AUDIT_LOGS_S3_REGION,
    endpoint: config.AUDIT_LOGS_S3_ENDPOINT,
    forcePathStyle: config.AUDIT_LOGS_S3_FORCE_PATH_STYLE,
  });
}
