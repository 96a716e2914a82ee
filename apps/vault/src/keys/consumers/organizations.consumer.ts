import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { ConsumedEvent } from '@wos/platform';
import { ShreddingService } from '../shredding.service';

/** organizations.events.v1: a deleted organization's keys are destroyed (idempotent through the inbox). */
@Controller()
export class OrganizationEventsConsumer {
  constructor(private readonly shredding: ShreddingService) {}

  @EventPattern('organization.deleted')
  async organizationDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    await this.shredding.shredOrganization(e.envelope.environment_id, String(e.envelope.data.id), e.envelope.id);
  }
}
