import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CLEANUP_MAX_DELAY_MS, LOGGER, type ConsumedEvent, type Logger } from '@wos/platform';
import { AccountSecretsService } from '../account-secrets.service';
import { AccountsRepository } from '../accounts.repository';
import { accountEvent } from '../accounts.events';

/**
 * user.deleted: the user's connections go with the user, each with its `disconnected` event, in
 * the inbox's transaction; then their Vault objects are deleted. Unscoped connections sit under a
 * KEK of their own (`{pipes_user_id}`), which no organization's shredding reaches, so this is
 * what removes them. The same transaction owes their deletion (vault_deletions), so one Vault
 * refuses is tried again (VaultDeletionsService).
 */
@Controller()
export class IdentityEventsConsumer {
  private readonly log: Logger;

  constructor(
    @Inject(LOGGER) logger: Logger,
    private readonly accounts: AccountsRepository,
    private readonly secrets: AccountSecretsService,
  ) {
    this.log = logger.child({ context: IdentityEventsConsumer.name });
  }

  @EventPattern('user.deleted', { maxDelayMs: CLEANUP_MAX_DELAY_MS })
  async userDeleted(@Payload() e: ConsumedEvent): Promise<void> {
    const env = e.envelope.environment_id;
    const deleted = await this.accounts.deleteUserAccounts(env, String(e.envelope.data.id), { consumer: 'pipes.user-deleted', eventId: e.envelope.id }, (a) => accountEvent('disconnected', a));
    await this.secrets.deleteOwed(env, deleted.map((a) => a.vaultObjectId));
    if (deleted.length) this.log.info({ user_id: e.envelope.data.id, connected_accounts: deleted.map((a) => a.id) }, 'deleted the connections of a deleted user');
  }
}
