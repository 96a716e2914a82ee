import { Client } from 'pg';
import type { Logger } from 'pino';

export interface PgNotificationHandlers {
  /** One NOTIFY on the channel, with its payload. */
  onNotify(payload: string): void;
  /**
   * The listening connection was (re)established. Notifications sent while it was down are
   * lost, so a listener that caches must drop its cache here.
   */
  onConnected(): void;
  /**
   * The listening connection was lost (notifications may be missed until `onConnected`). A cache
   * that must never serve a state older than the last commit stops trusting itself here.
   */
  onLost?(): void;
}

/**
 * A dedicated connection that LISTENs on one channel and reconnects after any failure (doubling
 * delays up to 30 s). Invariant: `onConnected` runs after every (re)connection, before the next
 * notification, so a cache kept coherent by notifications is never trusted across a gap.
 */
export class PgNotificationListener {
  private client?: Client;
  private stopped = false;
  private retryMs = 1000;
  private timer?: NodeJS.Timeout;
  private listening = false;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly handlers: PgNotificationHandlers,
    private readonly log: Logger,
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid LISTEN channel "${channel}"`);
  }

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    // Named after its channel, so that pg_stat_activity tells the listeners apart.
    const client = new Client({ connectionString: this.connectionString, application_name: `listen:${this.channel}` });
    this.client = client;
    client.on('notification', (m) => {
      if (m.channel === this.channel) this.handlers.onNotify(m.payload ?? '');
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      this.retryMs = 1000;
      this.listening = true;
      this.handlers.onConnected();
    } catch (err) {
      this.lost(client, err as Error);
    }
  }

  private lost(client: Client, err: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    this.listening = false;
    this.handlers.onLost?.();
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    this.log.warn({ channel: this.channel, err: err.message, retryInMs: this.retryMs }, 'LISTEN connection lost; reconnecting');
    this.timer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(30_000, this.retryMs * 2);
  }

  /**
   * Resolves once every notification committed before the call has been handed to `onNotify`.
   * The listening session NOTIFYs itself: Postgres delivers a session's notifications in commit
   * order before its ReadyForQuery, and the client emits them before the query resolves. Without
   * a connection it resolves at once (a cache is not trusted then anyway).
   */
  async sync(): Promise<void> {
    const client = this.client;
    if (!client) return;
    await client.query('SELECT pg_notify($1, $2)', [this.channel, '']).catch(() => undefined);
  }

  /**
   * True from `onConnected` until `onLost` or `stop()`: while it is false, notifications may be
   * missed, so a cache kept by them must not answer from memory.
   */
  get connected(): boolean {
    return this.listening;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
