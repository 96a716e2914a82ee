import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { CertificatesController } from './certificates.controller';
import { CertificatesRepository } from './certificates.repository';
import { CertificatesService } from './certificates.service';
import { CertificateScanProcessor } from './jobs/certificate-scan.processor';

@Module({
  imports: [ConnectionsModule],
  controllers: [CertificatesController],
  providers: [CertificatesRepository, CertificatesService, CertificateScanProcessor],
})
export class CertificatesModule {}
