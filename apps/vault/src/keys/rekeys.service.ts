import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { BackgroundLoop, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { KeyBlobError, parseKeyBlob, unwrapDataKey, wrapDataKey } from '../vault-core/key-blob';
import { KeksService } from './keks.service';
import { kekRekeyedEvent } from './keys.events';
import { RekeysRepository, type RekeyJob, type RewrapResult, type StoredDataKey } from './rekeys.repository';
import { KeyUnavailableError } from './root-keys.service';

/**
 * The rekey job: after a KEK rotation, the data keys stored with its objects' versions are
 * re-wrapped under the current version (the data keys themselves, hence the ciphertexts, do not
 * change). A job is a row (vault_rekeys) advanced batch by batch, each batch one transaction, so
 * it survives a crash and resumes on any replica: at boot, on a timer, and after each rotation.
 * Data keys under a key that was revoked or destroyed cannot be opened; they are counted
 * (`unreadable`) and left as they are.
 */
@Injectable()
export class RekeysService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log: Logger;
  private readonly loop: BackgroundLoop;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly repo: RekeysRepository,
    private readonly keks: KeksService,
  ) {
    this.log = logger.child({ context: RekeysService.name });
    this.loop = new BackgroundLoop(
      (stopped) => this.run(stopped),
      (err) => this.log.error({ err: err.message }, 'vault rekey failed; the next run resumes it'),
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start(this.config.VAULT_REKEY_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** Resumes pending rekeys now (after a rotation). */
  runSoon(): void {
    this.loop.soon();
  }

  private async run(stopped: () => boolean): Promise<void> {
    const delay = this.config.VAULT_REKEY_BATCH_DELAY_MS;
    while (!stopped() && (await this.repo.runBatch(this.config.VAULT_REKEY_BATCH, (job, keys) => this.rewrap(job, keys), (job) => this.completed(job)))) {
      if (delay) await sleep(delay);
    }
  }

  private async rewrap(job: RekeyJob, keys: StoredDataKey[]): Promise<RewrapResult> {
    const result: RewrapResult = { updates: [], unreadable: 0 };
    let current: Buffer;
    try {
      current = await this.keks.version(job.environmentId, job.kekId, job.currentVersion);
    } catch (err) {
      if (!(err instanceof KeyUnavailableError)) throw err;
      return { updates: [], unreadable: keys.length };
    }
    for (const k of keys) {
      try {
        const head = parseKeyBlob(k.encryptedKeys);
        if (head.kekId !== job.kekId || head.kekVersion >= job.currentVersion) continue;
        const old = await this.keks.version(job.environmentId, job.kekId, head.kekVersion);
        const dataKey = unwrapDataKey(k.encryptedKeys, old, job.environmentId);
        const to = wrapDataKey({ kekId: job.kekId, kekVersion: job.currentVersion, keyId: head.keyId }, current, dataKey, job.environmentId);
        result.updates.push({ versionId: k.versionId, from: k.encryptedKeys, to });
      } catch (err) {
        if (!(err instanceof KeyUnavailableError) && !(err instanceof KeyBlobError)) throw err;
        result.unreadable++;
      }
    }
    return result;
  }

  private completed(job: RekeyJob) {
    this.log.info({ kekId: job.kekId, version: job.currentVersion, rewrapped: job.rewrapped, unreadable: job.unreadable }, 'rekey completed');
    return kekRekeyedEvent(job.environmentId, job.kekId, job.context, job.currentVersion, job);
  }
}
