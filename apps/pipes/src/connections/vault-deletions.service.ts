import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, type Logger } from '@wos/platform';
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
 * apart. A sweep runs to the end of what is due before the next is scheduled.
 */
@Injectable()
export class VaultDeletionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly repo: VaultDeletionsRepository,
    private readonly secrets: AccountSecretsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: VaultDeletionsService.name });
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Tries every due deletion once; the number settled. */
  async sweep(): Promise<number> {
    let settled = 0;
    for (;;) {
      const due = await this.repo.claimDue(BATCH, LEASE_SECONDS);
      for (const d of due) if (await this.secrets.deleteOwedOne(d.environmentId, d.vaultObjectId)) settled++;
      if (due.length < BATCH || this.stopped) return settled;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sweep()
        .then((n) => n && this.log.info({ settled: n }, 'deleted owed Vault objects'))
        .catch((err: Error) => this.log.warn({ err: err.message }, 'owed Vault deletions: sweep failed'))
        .finally(() => this.schedule());
    }, this.config.PIPES_VAULT_DELETION_SWEEP_MS);
    this.timer.unref();
  }
}
