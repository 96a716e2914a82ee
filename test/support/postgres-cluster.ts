import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A Postgres cluster of the test's own, made with postgresql-common's tools (pg_createcluster,
 * pg_ctlcluster, pg_dropcluster; the test runs as root), so stopping or restarting it never
 * touches the machine's shared cluster (15/main on 5432). Its data dies with it: trust
 * authentication on the socket and 127.0.0.1, and fsync off (a test cluster, not a store).
 */
export class PostgresCluster {
  /** The installed server's major version (the newest under /usr/lib/postgresql). */
  readonly version: string;

  constructor(
    readonly port: number,
    /** pg_createcluster's cluster name: letters, digits, '-' and '_'. */
    readonly name: string,
  ) {
    const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v));
    if (!versions.length) throw new Error('no PostgreSQL server under /usr/lib/postgresql');
    this.version = versions.sort((a, b) => Number(b) - Number(a))[0]!;
  }

  /** The superuser's URL on the cluster's `postgres` database (the Stack's admin URL). */
  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get confDir(): string {
    return `/etc/postgresql/${this.version}/${this.name}`;
  }

  /** Creates and starts the cluster, first dropping a leftover of the same name (an interrupted run). */
  async create(): Promise<void> {
    await this.drop();
    await run('pg_createcluster', [this.version, this.name, '-p', String(this.port), '--start-conf', 'manual']);
    writeFileSync(
      `${this.confDir}/pg_hba.conf`,
      ['local all all trust', 'host all all 127.0.0.1/32 trust', ''].join('\n'),
    );
    writeFileSync(
      `${this.confDir}/conf.d/wos-test.conf`,
      [
        "listen_addresses = '127.0.0.1'",
        // Fourteen services' pools, the suite's own clients, and room for reconnect storms.
        'max_connections = 400',
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'ssl = off',
        '',
      ].join('\n'),
    );
    await this.start();
  }

  /** `pg_ctlcluster … start`, which waits until the server accepts connections. */
  async start(): Promise<void> {
    await run('pg_ctlcluster', [this.version, this.name, 'start']);
  }

  /** `pg_ctlcluster … stop -m fast`: every session is cut, and new ones are refused until start(). */
  async stop(): Promise<void> {
    await run('pg_ctlcluster', [this.version, this.name, 'stop', '-m', 'fast']);
  }

  /** Stops the cluster and deletes it (its configuration and data); nothing when there is none. */
  async drop(): Promise<void> {
    const { stdout } = await run('pg_lsclusters', ['--no-header']);
    const exists = stdout.split('\n').some((line) => {
      const [version, name] = line.trim().split(/\s+/);
      return version === this.version && name === this.name;
    });
    if (exists) await run('pg_dropcluster', ['--stop', this.version, this.name]);
  }
}
