import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PgNotificationListener, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { ApplicationsRepository, CONNECT_CLIENTS_CHANGED_CHANNEL, type CachedSecret, type ClientWithSecrets } from './applications.repository';

const MAX_CACHED = 20_000;
const keyOf = (environmentId: string, clientId: string) => `${environmentId}\u0000${clientId}`;
/** `last_used_at` is kept to this resolution: a secret in steady use is stamped once a minute, not per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

interface Entry {
  client: ClientWithSecrets;
  until: number;
}

/**
 * The authorization server's view of Connect applications and their secrets' hashes, cached per
 * (environment, client ID) so that a token or introspection request reads neither from Postgres.
 * Invariants:
 * - Bounded staleness: every change to an application or its secrets (update, delete, secret
 *   created or deleted) NOTIFYs the application's ID in its transaction; this replica also drops
 *   it at once after the commit, the others when the notification arrives (milliseconds). A load
 *   that raced with a change is not stored (a generation counter), nor is anything while the
 *   LISTEN connection is down (notifications sent then are lost); the whole cache is dropped when
 *   it is lost and when it is re-established. CONNECT_CLIENT_CACHE_SECONDS bounds staleness if all
 *   of that failed (a connection that died silently).
 * - Only hits are cached: an unknown client ID is read from the database every time, and a secret
 *   not among the cached hashes is checked against the database (ApplicationsService), so a secret
 *   created on another replica works before its notification arrives.
 * - An entry is found only under the environment it was read in.
 */
@Injectable()
export class ConnectClientCache implements OnModuleInit, OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  /** Application ID → cache key, for notifications (they name the application). */
  private readonly byApplication = new Map<string, string>();
  /** Loads under way, so a burst of requests for a cold client reads it once. */
  private readonly loading = new Map<string, Promise<ClientWithSecrets | null>>();
  private generation = 0;
  private readonly ttlMs: number;
  private readonly listener: PgNotificationListener;
  private readonly log: Logger;

  constructor(
    private readonly repo: ApplicationsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.ttlMs = config.CONNECT_CLIENT_CACHE_SECONDS * 1000;
    this.log = logger.child({ context: ConnectClientCache.name });
    this.listener = new PgNotificationListener(
      config.DATABASE_URL,
      CONNECT_CLIENTS_CHANGED_CHANNEL,
      {
        onNotify: (applicationId) => this.forget(applicationId),
        onConnected: () => this.forgetAll(),
        onLost: () => this.forgetAll(),
      },
      this.log,
    );
  }

  onModuleInit(): void {
    if (this.ttlMs > 0) this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener.stop();
  }

  /** The client's application and its secrets' hashes, or null when the environment has no such client. */
  get(environmentId: string, clientId: string): Promise<ClientWithSecrets | null> {
    const key = keyOf(environmentId, clientId);
    const entry = this.entries.get(key);
    if (entry && entry.until > Date.now()) return Promise.resolve(entry.client);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const load = this.repo.loadClient(environmentId, clientId).then(
      (client) => {
        if (this.loading.get(key) === load) this.loading.delete(key);
        // A change notified while we read may have been to this very application: do not keep it.
        if (client && this.listener.connected && this.ttlMs > 0 && generation === this.generation) this.store(key, client);
        return client;
      },
      (err: unknown) => {
        if (this.loading.get(key) === load) this.loading.delete(key);
        throw err;
      },
    );
    this.loading.set(key, load);
    return load;
  }

  /** Drops the application (this replica after its own change; the others on the NOTIFY). */
  forget(applicationId: string): void {
    this.generation++;
    // Requests arriving from now on must not share a read that started before the change.
    this.loading.clear();
    const key = this.byApplication.get(applicationId);
    if (key === undefined) return;
    this.byApplication.delete(applicationId);
    this.entries.delete(key);
  }

  /**
   * Records a successful authentication with the secret: `last_used_at` is written when this
   * replica has not seen it written in the last LAST_USED_RESOLUTION_MS (the statement itself
   * skips the write when another replica did), off the request's path.
   */
  recordUse(environmentId: string, secret: CachedSecret): void {
    const now = Date.now();
    if (secret.lastUsedAt !== null && now - secret.lastUsedAt < LAST_USED_RESOLUTION_MS) return;
    const previous = secret.lastUsedAt;
    secret.lastUsedAt = now;
    this.repo.touchSecret(environmentId, secret.id).catch((err: Error) => {
      secret.lastUsedAt = previous; // the next use tries again
      this.log.warn({ err: err.message, secret_id: secret.id }, 'could not record a client secret use');
    });
  }

  /** Drops the client's entry (its cached secrets missed one that the database has). */
  forgetClient(environmentId: string, clientId: string): void {
    const key = keyOf(environmentId, clientId);
    const entry = this.entries.get(key);
    if (entry) this.forget(entry.client.app.id);
  }

  private forgetAll(): void {
    this.generation++;
    this.loading.clear();
    this.entries.clear();
    this.byApplication.clear();
  }

  private store(key: string, client: ClientWithSecrets): void {
    this.entries.delete(key);
    this.entries.set(key, { client, until: Date.now() + this.ttlMs });
    this.byApplication.set(client.app.id, key);
    if (this.entries.size > MAX_CACHED) {
      const [oldest, old] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.byApplication.delete(old.client.app.id);
    }
  }
}
