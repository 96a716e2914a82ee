import { Module } from '@nestjs/common';
import { AuditEventsModule } from '../audit-events/audit-events.module';
import { VaultEventsConsumer } from './consumers/vault.consumer';
import { VaultReadsService } from './vault-reads.service';

/** Reads of Vault values recorded in the organization's audit log (issue 12, "Events and audit"). */
@Module({
  imports: [AuditEventsModule],
  controllers: [VaultEventsConsumer],
  providers: [VaultReadsService],
})
export class VaultReadsModule {}
