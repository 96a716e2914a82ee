import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CLEANUP_MAX_DELAY_MS, LOGGER, type ConsumedEvent, type Logger } from '@wos/platform';
import { AccountsRepository } from '../accounts.repository';
import { accountEvent } from '../accounts.events';

/**
 * organization.deleted: Vault crypto-shreds the organization's KEK (its own consumer), which makes
 * the secrets of every account stored under `{organization_id}` unrecoverable; here those accounts
 * become `disconnected`, each with its event. Idempotent through the inbox, in the same transaction.
 */
@Controller()
export class OrganizationEventsConsumer {
  private readonly log: Logger;

  constructor(@Inject(LOGGER) logger: Logger, private readonly accounts: AccountsRepository) {
    this.log = logger.child({ context: OrganizationEventsConsumer.name });
  }

  @EventPattern('organization.deleted', { maxDelayMs: CLEANUP_MAX_DELAY_MS })
  async organizationDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    const disconnected = await this.accounts.disconnectOrganization(e.envelope.environment_id, String(e.envelope.data.id), { consumer: 'pipes.organization-deleted', eventId: e.envelope.id }, (a) => accountEvent('disconnected', a));
    if (disconnected.length) this.log.info({ organization_id: e.envelope.data.id, connected_accounts: disconnected.map((a) => a.id) }, 'disconnected the accounts of a deleted organization');
  }
}
