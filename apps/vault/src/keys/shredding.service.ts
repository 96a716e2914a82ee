import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Topic } from '@wos/contracts';
import { BackgroundLoop, buildEvent, newId, type Logger, type OutboxMessage } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { actorFields, SYSTEM_ACTOR } from '../vault-core/actor';
import { canonicalContext } from '../vault-core/key-context';
import { byokDeletedEvent } from './keys.events';
import { ShreddingRepository, type ShreddedKek } from './shredding.repository';

const PURGE_BATCH = 500;

/**
 * Crypto-shredding (no peer offers it). Deleting an organization destroys its KEKs: its objects
 * and data keys become unreadable at once, without touching their rows; a purge then removes the
 * rows in batches. Invariants: the destruction, its `vault.kek.deleted` events and the purge to
 * do commit together; a purge survives a crash (it is a row, resumed by the next run on any
 * replica) and ends with `vault.data.purged`.
 */
@Injectable()
export class ShreddingService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log: Logger;
  private readonly loop: BackgroundLoop;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly repo: ShreddingRepository,
  ) {
    this.log = logger.child({ context: ShreddingService.name });
    this.loop = new BackgroundLoop(
      () => this.purge(),
      (err) => this.log.error({ err: err.message }, 'vault purge failed; the next run resumes it'),
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start(this.config.VAULT_PURGE_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  async shredOrganization(environmentId: string, organizationId: string, eventId: string): Promise<ShreddedKek[]> {
    const keks = await this.repo.shredOrganization(environmentId, organizationId, { consumer: 'vault.organizations', eventId }, newId('vault_purge'), (shredded, byok) => [
      ...shredded.map((k) => kekDeleted(environmentId, organizationId, k)),
      ...byok.map((k) => byokDeletedEvent(environmentId, { organizationId, keyProvider: k.keyProvider, id: k.id })),
    ],
    );
    if (keks.length) {
      this.log.info({ environmentId, organizationId, keks: keks.map((k) => k.id) }, 'destroyed the keys of a deleted organization');
      this.purgeSoon();
    }
    return keks;
  }

  /** Resumes pending purges now. */
  purgeSoon(): void {
    this.loop.soon();
  }

  private async purge(): Promise<void> {
    const before = new Date(Date.now() - this.config.VAULT_PURGE_DELAY_MS);
    while (await this.repo.purgeBatch(before, PURGE_BATCH, (p) => dataPurged(p))) {
      // each batch is its own transaction; continue until no purge is due
    }
  }
}

function kekDeleted(environmentId: string, organizationId: string, k: ShreddedKek): OutboxMessage {
  return { topic: Topic.vault, key: organizationId, event: buildEvent('vault.kek.deleted', { ...actorFields(SYSTEM_ACTOR), key_name: canonicalContext(k.context), key_id: k.id }, environmentId) };
}

function dataPurged(p: { environmentId: string; organizationId: string; kekIds: string[]; objectsDeleted: number }): OutboxMessage {
  return {
    topic: Topic.vault,
    key: p.organizationId,
    event: buildEvent('vault.data.purged', { organization_id: p.organizationId, key_ids: p.kekIds, objects_deleted: p.objectsDeleted }, p.environmentId),
  };
}
