import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { ConsumedEvent } from '@wos/platform';
import { VaultReadsService } from '../vault-reads.service';

/**
 * vault.events.v1: reads of values go to their organization's audit log. An event the ingest
 * refuses (an organization schema for `vault.data.read` it does not satisfy) is dead-lettered by
 * the kit's transport, where `wos dead-letters audit-logs` shows it.
 */
@Controller()
export class VaultEventsConsumer {
  constructor(private readonly reads: VaultReadsService) {}

  @EventPattern('vault.data.read')
  async dataRead(@Payload() e: ConsumedEvent): Promise<void> {
    await this.reads.record(e.envelope);
  }
}
