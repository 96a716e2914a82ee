import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { ConsumedEvent } from '@wos/platform';
import { SettingsService } from '../../settings/settings.service';
import { RiskWindowsRepository } from '../risk-windows.repository';

/**
 * identity.events.v1: failed password and magic-auth sign-ins feed the brute-force windows.
 * Identity asks radar after a credential check succeeded, or for a password before the check but
 * with `failures=reported`: either way this is how radar sees the failures, once each. No inbox:
 * the effect is in Redis and idempotent by construction (see recordFailure).
 */
@Controller()
export class IdentityEventsConsumer {
  constructor(private readonly windows: RiskWindowsRepository, private readonly settings: SettingsService) {}

  @EventPattern('authentication.password_failed')
  passwordFailed(@Payload() e: ConsumedEvent): Promise<void> {
    return this.record(e);
  }

  @EventPattern('authentication.magic_auth_failed')
  magicAuthFailed(@Payload() e: ConsumedEvent): Promise<void> {
    return this.record(e);
  }

  private async record(e: ConsumedEvent): Promise<void> {
    const env = e.envelope.environment_id;
    const d = e.envelope.data as { email: string | null; ip_address: string | null };
    await this.windows.recordFailure(env, { id: e.envelope.id, ipAddress: d.ip_address, email: d.email, at: Date.parse(e.envelope.created_at) }, await this.settings.get(env));
  }
}
