import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CLEANUP_MAX_DELAY_MS, LOGGER, type ConsumedEvent, type Logger } from '@wos/platform';
import { FeatureFlagsService } from '../feature-flags.service';

/**
 * A deleted organization (this service's own `organization.deleted`) or user (identity's
 * `user.deleted`) is no longer a flag target: it leaves every flag's targets, so the runtime
 * payload and the flag lists stop naming it. Redelivery changes nothing (the rows are gone).
 */
@Controller()
export class FlagsCleanupConsumer {
  private readonly log: Logger;

  constructor(
    @Inject(LOGGER) logger: Logger,
    private readonly flags: FeatureFlagsService,
  ) {
    this.log = logger.child({ context: FlagsCleanupConsumer.name });
  }

  @EventPattern('organization.deleted', { maxDelayMs: CLEANUP_MAX_DELAY_MS })
  organizationDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    return this.forget(e);
  }

  @EventPattern('user.deleted', { maxDelayMs: CLEANUP_MAX_DELAY_MS })
  userDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    return this.forget(e);
  }

  private async forget(e: ConsumedEvent): Promise<void> {
    const targetId = String(e.envelope.data.id);
    const flags = await this.flags.forgetTarget(e.envelope.environment_id, targetId);
    if (flags) this.log.info({ target_id: targetId, flags }, 'removed a deleted target from its feature flags');
  }
}
