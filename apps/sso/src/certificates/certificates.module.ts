import { Module } from '@nestjs/common';
import { CertificatesController } from './certificates.controller';
import { CertificatesRepository } from './certificates.repository';
import { CertificatesService } from './certificates.service';
import { CertificateScanProcessor } from './jobs/certificate-scan.processor';

@Module({
  controllers: [CertificatesController],
  providers: [CertificatesRepository, CertificatesService, CertificateScanProcessor],
})
export class CertificatesModule {}
