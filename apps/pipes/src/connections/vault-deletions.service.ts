import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BackgroundLoop, LOGGER, type Logger } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { AccountSecretsService } from './account-secrets.service';
import { VaultDeletionsRepository } from './vault-deletions.repository';

/* Debts taken per sweep, and how long one is leased to this replica while it tries. */
const BATCH = 50;
const LEASE_SECONDS = 120;

/**
 * Pays the Vault deletions still owed (vault_deletions): every PIPES_VAULT_DELETION_SWEEP_MS it
 * leases the due ones and deletes each object, so a connected account's tokens never outlive it
 * in Vault because Vault was down when the account went. Every replica sweeps; leases keep them
 * apart. A sweep runs to the end of what is due; sweeps never overlap (BackgroundLoop).
 */
@Injectable()
export class VaultDeletionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log: Logger;
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly repo: VaultDeletionsRepository,
    private readonly secrets: AccountSecretsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: VaultDeletionsService.name });
    this.loop = new BackgroundLoop(
      (stopped) => this.sweep(stopped),
      (err) => this.log.warn({ err: err.message }, 'owed Vault deletions: sweep failed'),
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start(this.config.PIPES_VAULT_DELETION_SWEEP_MS, { immediately: false });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Tries every due deletion once. */
  private async sweep(stopped: () => boolean): Promise<void> {
    let settled = 0;
    try {
      for (;;) {
        const due = await this.repo.claimDue(BATCH, LEASE_SECONDS);
        for (const d of due) if (await this.secrets.deleteOwedOne(d.environmentId, d.vaultObjectId)) settled++;
        if (due.length < BATCH || stopped()) return;
      }
    } finally {
      if (settled) this.log.info({ settled }, 'deleted owed Vault objects');
    }
  }
}
