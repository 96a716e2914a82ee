import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PgNotificationListener, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { payloadEtag, runtimePayload, type FlagState } from '../flags-core/flag-rules';
import { FeatureFlagsRepository, FLAGS_CHANNEL } from './feature-flags.repository';

/** One environment's runtime payload, ready to send. */
export interface FlagPayload {
  version: bigint;
  etag: string;
  body: Buffer;
  flags: FlagState[];
}

/** Receives every new payload of one environment (the SSE stream). */
export type PayloadSubscriber = (payload: FlagPayload) => void;

const MAX_CACHED_ENVIRONMENTS = 10_000;

/**
 * The per-process cache of each environment's runtime payload (`GET /sdk/feature-flags`), and
 * the fan-out of changes to stream subscribers.
 *
 * Coherence across replicas: every flag write bumps the environment's version and NOTIFYs
 * `<env>:<version>` in its transaction (FeatureFlagsRepository.write). Every replica LISTENs; a
 * cached payload is served only while no newer version has been announced, and only while the
 * LISTEN connection is up (it is dropped when the connection is lost and the cache starts over
 * when it is back, because notifications in between are lost). A load reads the version and the
 * flags in one statement, so a payload always matches its version. So a poll answered from memory
 * (a 304 included) never reflects a state older than the last commit this replica was told of;
 * the window is the NOTIFY delivery delay (milliseconds).
 */
@Injectable()
export class FlagPayloadService implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new Map<string, FlagPayload>();
  /** The newest version announced per environment since the listener (re)connected. */
  private readonly announced = new Map<string, bigint>();
  /** Loads in flight, with the announced version when each started (a later announcement needs a new load). */
  private readonly loading = new Map<string, { promise: Promise<FlagPayload>; after: bigint; epoch: number }>();
  private readonly subscribers = new Map<string, Set<PayloadSubscriber>>();
  private readonly lastPushed = new Map<string, bigint>();
  private readonly listener: PgNotificationListener;
  private listening = false;
  private epoch = 0;
  private readonly log: Logger;

  constructor(
    private readonly repo: FeatureFlagsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: FlagPayloadService.name });
    this.listener = new PgNotificationListener(
      config.DATABASE_URL,
      FLAGS_CHANNEL,
      {
        onNotify: (payload) => this.announce(payload),
        onConnected: () => this.restart(true),
        onLost: () => this.restart(false),
      },
      this.log,
    );
  }

  onModuleInit(): void {
    this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener.stop();
  }

  /** The environment's current payload: from memory while it is known to be current, else loaded. */
  get(environmentId: string): Promise<FlagPayload> {
    const announced = this.announced.get(environmentId) ?? 0n;
    const hit = this.cache.get(environmentId);
    if (hit && this.listening && hit.version >= announced) return Promise.resolve(hit);
    const pending = this.loading.get(environmentId);
    if (pending && pending.after >= announced && pending.epoch === this.epoch) return pending.promise;
    const entry = { promise: this.load(environmentId), after: announced, epoch: this.epoch };
    this.loading.set(environmentId, entry);
    void entry.promise.finally(() => {
      if (this.loading.get(environmentId) === entry) this.loading.delete(environmentId);
    }).catch(() => undefined);
    return entry.promise;
  }

  /** Calls `fn` with every new payload of the environment until the returned function is called. */
  subscribe(environmentId: string, fn: PayloadSubscriber): () => void {
    let set = this.subscribers.get(environmentId);
    if (!set) this.subscribers.set(environmentId, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (!set.size && this.subscribers.get(environmentId) === set) {
        this.subscribers.delete(environmentId);
        this.lastPushed.delete(environmentId);
      }
    };
  }

  /** Open subscriptions: of one environment, or of all. */
  subscriberCount(environmentId?: string): number {
    if (environmentId !== undefined) return this.subscribers.get(environmentId)?.size ?? 0;
    let n = 0;
    for (const s of this.subscribers.values()) n += s.size;
    return n;
  }

  private async load(environmentId: string): Promise<FlagPayload> {
    const epoch = this.epoch;
    const snap = await this.repo.snapshot(environmentId);
    const body = Buffer.from(JSON.stringify(runtimePayload(snap.flags)));
    const payload: FlagPayload = { version: snap.version, etag: payloadEtag(snap.version, body), body, flags: snap.flags };
    // Stored only if no reconnect happened meanwhile and nothing newer is cached; a load that
    // raced with a newer announcement is stored too, and get() will not serve it (version check).
    const cached = this.cache.get(environmentId);
    if (this.listening && epoch === this.epoch && (!cached || cached.version <= payload.version)) {
      this.cache.set(environmentId, payload);
      if (this.cache.size > MAX_CACHED_ENVIRONMENTS) this.cache.delete(this.cache.keys().next().value!);
    }
    return payload;
  }

  /**
   * A flag write of this replica committed this version: noted at once, so the writer's next
   * poll reads its own write without waiting for its NOTIFY (which then changes nothing).
   */
  committed(environmentId: string, version: bigint): void {
    this.note(environmentId, version);
  }

  private announce(message: string): void {
    const sep = message.lastIndexOf(':');
    let version: bigint;
    try {
      version = BigInt(message.slice(sep + 1));
    } catch {
      return;
    }
    this.note(message.slice(0, sep), version);
  }

  private note(environmentId: string, version: bigint): void {
    if (version > (this.announced.get(environmentId) ?? 0n)) this.announced.set(environmentId, version);
    if (this.announced.size > MAX_CACHED_ENVIRONMENTS) {
      // Bounded memory: forget everything (a new epoch voids loads in flight), as after a reconnect.
      this.announced.clear();
      this.cache.clear();
      this.epoch++;
    }
    if (this.subscribers.has(environmentId)) void this.push(environmentId);
  }

  /** (Re)connected: nothing cached can be trusted (notifications were missed), so start over and refresh streams. */
  private restart(connected: boolean): void {
    this.listening = connected;
    this.epoch++;
    this.cache.clear();
    this.announced.clear();
    if (connected) for (const env of this.subscribers.keys()) void this.push(env);
  }

  /** Sends the environment's newest payload to its subscribers, once per version. */
  private async push(environmentId: string): Promise<void> {
    let payload: FlagPayload;
    try {
      payload = await this.get(environmentId);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'feature-flag payload load failed; streams keep their last payload');
      return;
    }
    const set = this.subscribers.get(environmentId);
    if (!set || payload.version <= (this.lastPushed.get(environmentId) ?? -1n)) return;
    this.lastPushed.set(environmentId, payload.version);
    for (const fn of set) fn(payload);
  }
}
