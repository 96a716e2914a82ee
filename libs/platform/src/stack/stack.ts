import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ensureDatabase, dropDatabase } from '../prisma/database';
import { migrate } from '../prisma/migrator';
import { parseSecretEncryptionKeys, SecretBox } from '../crypto/secret-box';
import { deriveInternalAuthKey, deriveSecretEncryptionKeys } from '../crypto/service-keys';
import { APP_CATALOGUE, GATEWAY_ADMIN_PORT, INTERNAL_CALLS, upstreamEnvName, type AppName } from './catalogue';
import { defaultUvThreadpoolSize, MAX_UV_THREADPOOL_SIZE } from './threadpool';

export interface StackOptions {
  /** Repository root (where apps/ is). */
  root: string;
  /** Apps to run; the gateway is always included. Default: all. */
  apps?: AppName[];
  /** Added to every default port, so several stacks can run side by side. */
  portOffset?: number;
  /** Databases are named `<dbPrefix>_<app>`. */
  dbPrefix: string;
  postgresUrl: string;
  kafkaBrokers: string;
  redisUrl: string;
  /** The internal-auth root: each app gets only its own derived key and its callees' (INTERNAL_CALLS). */
  internalAuthSecret: string;
  /**
   * The root `SECRET_ENCRYPTION_KEYS` (see SecretBox); each app gets keys derived from it for itself
   * alone. A random root per Stack when absent.
   */
  secretEncryptionKeys?: string;
  /**
   * Vault's `VAULT_ROOT_KEYS` (the local key provider's root keys). Not derived from the
   * secret-encryption root: rotating that root must never make vault data unrecoverable. A random
   * key per Stack when absent (test data dies with the Stack's databases).
   */
  vaultRootKeys?: string;
  /** Also hand each app the root keys, decrypt-only, for values sealed before per-app keys (development data). */
  keepSharedSecretKeysForDecrypt?: boolean;
  /** ALLOW_LOOPBACK_URLS=true for every app: http and loopback IdP and webhook URLs (development and tests only). */
  allowLoopbackUrls?: boolean;
  /** Drop and recreate the databases first (tests). */
  freshDatabases?: boolean;
  logDir: string;
  /** Extra environment for every app, and per app. */
  env?: Record<string, string>;
  appEnv?: Partial<Record<AppName, Record<string, string>>>;
  /**
   * Processes per app (default 1). The replicas of an app share its ports (REUSE_PORT, so the
   * kernel spreads connections over them), its database, Kafka group and Redis, as replicas in
   * Kubernetes share a Service, a database and a group. See docs/ARCHITECTURE.md (scaling).
   */
  replicas?: Partial<Record<AppName, number>>;
  /** UV_THREADPOOL_SIZE per app; an app not named gets defaultUvThreadpoolSize (threadpool.ts). `env`/`appEnv` still win. */
  uvThreadpoolSize?: Partial<Record<AppName, number>>;
  readyTimeoutMs?: number;
}

/** At most this many processes of one app: enough to use every core of a large host, and a bound on a typo. */
export const MAX_REPLICAS = 16;

/**
 * Node options every service runs with, here as in the image, compose and Helm (which set
 * NODE_OPTIONS to the same, so an operator can override it). A young generation of 8 MiB
 * semi-spaces: V8 sizes it from the machine's memory (semi-spaces grew to 32-64 MiB on a 24 GiB
 * host), and a process keeps what startup grew, about 50 MiB per idle service. The request paths
 * keep little past a scavenge (docs/benchmarks.md, GC pauses), so a smaller young generation costs
 * more frequent, equally short scavenges; docs/benchmarks.md, Idle cost, has both measurements.
 */
export const SERVICE_NODE_OPTIONS = '--max-semi-space-size=8';

export interface Credentials {
  environment_id: string;
  api_key: string;
  client_id: string;
}

/** What `wos dashboard bootstrap --json` prints. */
export interface DashboardOwner {
  dashboard_url: string;
  email: string;
  password: string;
  environment_id: string;
  client_id: string;
  organization_id: string;
}

interface Running {
  name: AppName;
  port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Resolves when the process says it is up (runMain's announceStarted); rejects if it exits first. */
  started: Promise<void>;
}

/**
 * Runs the platform's apps as child processes: creates and migrates their databases, starts
 * them with consistent configuration, waits for readiness, and stops exactly what it started.
 * Used by the run command and by end-to-end and fault tests.
 */
export class Stack {
  private readonly running = new Map<AppName, Running>();
  /** Second replicas started by spawnReplica, stopped with the stack. */
  private readonly replicas: Running[] = [];
  /** Apps whose extra replicas (StackOptions.replicas) were started: once per stack. */
  private readonly replicated = new Set<AppName>();
  /** Set by stop(): nothing starts afterwards, so a fault still restarting an app cannot leave an orphan. */
  private stopped = false;
  readonly apps: AppName[];
  private secretEncryptionKeys: string;
  private readonly vaultRootKeys: string;

  constructor(private readonly opts: StackOptions) {
    for (const [app, n] of Object.entries(opts.replicas ?? {})) {
      if (!Number.isInteger(n) || n! < 1 || n! > MAX_REPLICAS) throw new Error(`replicas of ${app}: ${n} is not a whole number from 1 to ${MAX_REPLICAS}`);
    }
    for (const [app, n] of Object.entries(opts.uvThreadpoolSize ?? {})) {
      if (!Number.isInteger(n) || n! < 1 || n! > MAX_UV_THREADPOOL_SIZE) throw new Error(`UV_THREADPOOL_SIZE of ${app}: ${n} is not a whole number from 1 to ${MAX_UV_THREADPOOL_SIZE}`);
    }
    this.secretEncryptionKeys = opts.secretEncryptionKeys ?? SecretBox.generateKeys();
    this.vaultRootKeys = opts.vaultRootKeys ?? SecretBox.generateKeys('vroot1');
    const wanted = new Set<AppName>(opts.apps ?? APP_CATALOGUE.map((a) => a.name));
    wanted.add('api-gateway');
    this.apps = APP_CATALOGUE.map((a) => a.name).filter((n) => wanted.has(n));
    mkdirSync(opts.logDir, { recursive: true });
  }

  /** The root SECRET_ENCRYPTION_KEYS each app derives its own keys from (deriveSecretEncryptionKeys). */
  get secretEncryptionRoot(): string {
    return this.secretEncryptionKeys;
  }

  /**
   * A key rotation: the new root value (its first key seals; the others, listed after it, still
   * open what they sealed). An app takes it when it is next started (`restart`).
   */
  set secretEncryptionRoot(root: string) {
    parseSecretEncryptionKeys(root);
    this.secretEncryptionKeys = root;
  }

  /** How many processes run `app`. */
  replicaCount(app: AppName): number {
    return this.opts.replicas?.[app] ?? 1;
  }

  port(app: AppName): number {
    return APP_CATALOGUE.find((a) => a.name === app)!.port + (this.opts.portOffset ?? 0);
  }

  /** The gateway serves /ready and /metrics on its admin port only (ADMIN_PORT). */
  get gatewayAdminPort(): number {
    return GATEWAY_ADMIN_PORT + (this.opts.portOffset ?? 0);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port('api-gateway')}`;
  }

  databaseUrl(app: AppName): string {
    const u = new URL(this.opts.postgresUrl);
    u.pathname = `/${this.opts.dbPrefix}_${app.replace(/-/g, '_')}`;
    return u.toString();
  }

  async prepareDatabases(): Promise<void> {
    for (const app of this.apps) {
      const migrations = join(this.opts.root, 'apps', app, 'prisma', 'migrations');
      if (!existsSync(migrations)) continue;
      const url = this.databaseUrl(app);
      if (this.opts.freshDatabases) await dropDatabase(url);
      await ensureDatabase(url);
      await migrate(url, migrations);
    }
  }

  /** Drops every app's database (a test that leaves nothing behind); call it after stop(). */
  async dropDatabases(): Promise<void> {
    for (const app of this.apps) {
      if (existsSync(join(this.opts.root, 'apps', app, 'prisma', 'migrations'))) await dropDatabase(this.databaseUrl(app));
    }
  }

  async start(): Promise<void> {
    // A port someone else holds would answer /ready for an app that failed to bind it.
    await Promise.all([...this.apps.map((a) => assertPortFree(this.port(a), a)), assertPortFree(this.gatewayAdminPort, 'api-gateway admin')]);
    await this.prepareDatabases();
    // Services first, gateway last, so the gateway's readiness means the stack is usable.
    const services = this.apps.filter((a) => a !== 'api-gateway');
    for (const app of services) this.spawnApp(app);
    await Promise.all(services.map((a) => this.waitReady(a)));
    this.spawnApp('api-gateway');
    await this.waitReady('api-gateway');
  }

  /*
   * The first process of each app is the one kill(), restart() and pids() know; the others
   * (StackOptions.replicas) start beside it on the same ports and are stopped by stop().
   */
  private spawnSharedReplicas(app: AppName): Running[] {
    this.replicated.add(app);
    const extra: Running[] = [];
    for (let i = 2; i <= this.replicaCount(app); i++) {
      const entry = this.launch(app, this.appEnv(app), `${app}-${i}.log`, this.port(app));
      this.replicas.push(entry);
      extra.push(entry);
    }
    return extra;
  }

  /** Spawns one process of `app` with `env`; its output goes to `logFile` in the log directory. */
  private launch(app: AppName, env: Record<string, string>, logFile: string, port: number): Running {
    const log = createWriteStream(join(this.opts.logDir, logFile), { flags: 'a' });
    // As in every deployment: no __proto__ accessor, so a polluting key in parsed input is inert (H1).
    // The IPC channel only carries the process's "started" message (announceStarted).
    const child = spawn(process.execPath, ['--disable-proto=delete', join(this.opts.root, 'apps', app, 'dist', 'src', 'main.js')], {
      cwd: join(this.opts.root, 'apps', app),
      // The defaults first: a flag given again later (.env, a benchmark's profiler) wins.
      env: { ...env, NODE_OPTIONS: [SERVICE_NODE_OPTIONS, env.NODE_OPTIONS].filter(Boolean).join(' ') },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = new Promise<void>((resolve, reject) => {
      child.on('message', (m: { wos?: string }) => m?.wos === 'started' && resolve());
      void exited.then((code) => reject(new Error(`${app} exited (code ${code}) before it started; see ${join(this.opts.logDir, logFile)}`)));
    });
    started.catch(() => undefined);
    return { name: app, port, child, exited, started };
  }

  appEnv(app: AppName): Record<string, string> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      HOST: '127.0.0.1',
      PORT: String(this.port(app)),
      DATABASE_URL: this.databaseUrl(app),
      KAFKA_BROKERS: this.opts.kafkaBrokers,
      REDIS_URL: this.opts.redisUrl,
      INTERNAL_AUTH_SECRET: deriveInternalAuthKey(this.opts.internalAuthSecret, app),
      INTERNAL_AUTH_PEER_KEYS: INTERNAL_CALLS[app].map((callee) => `${callee}=${deriveInternalAuthKey(this.opts.internalAuthSecret, callee)}`).join(','),
      SECRET_ENCRYPTION_KEYS: deriveSecretEncryptionKeys(this.secretEncryptionKeys, app, { keepRootForDecrypt: this.opts.keepSharedSecretKeysForDecrypt }),
      // Absolute URLs that services hand out (SCIM base URLs, ACS URLs, issuers) point at the gateway.
      PUBLIC_BASE_URL: this.baseUrl,
      ALLOW_LOOPBACK_URLS: this.opts.allowLoopbackUrls ? 'true' : 'false',
      REUSE_PORT: this.replicaCount(app) > 1 ? 'true' : 'false',
      ...this.uvThreadpoolEnv(app),
      ...this.opts.env,
    };
    if (app === 'api-gateway') {
      for (const a of APP_CATALOGUE) if (a.name !== 'api-gateway') env[upstreamEnvName(a.name)] = `http://127.0.0.1:${this.port(a.name)}`;
      env.ADMIN_PORT = String(this.gatewayAdminPort);
    }
    // identity and directory-sync check organizations exist through the organizations service's internal API.
    if (app === 'pipes') env.VAULT_URL = `http://127.0.0.1:${this.port('vault')}`;
    if (app === 'identity' || app === 'directory-sync' || app === 'sso' || app === 'pipes' || app === 'authorization') env.ORGANIZATIONS_URL = `http://127.0.0.1:${this.port('organizations')}`;
    if (app === 'vault') env.VAULT_ROOT_KEYS = this.vaultRootKeys;
    if (app === 'identity') env.SSO_URL = `http://127.0.0.1:${this.port('sso')}`;
    // Role slugs are checked against authorization's catalogue only where it runs (free-form otherwise).
    if ((app === 'identity' || app === 'directory-sync') && this.apps.includes('authorization')) env.AUTHORIZATION_URL = `http://127.0.0.1:${this.port('authorization')}`;
    // Organizations asks identity whether a user a feature flag is to target exists.
    if (app === 'organizations' && this.apps.includes('identity')) env.IDENTITY_URL = `http://127.0.0.1:${this.port('identity')}`;
    // Authorization's role slug migration backfills memberships from identity.
    if (app === 'authorization' && this.apps.includes('identity')) env.IDENTITY_URL = `http://127.0.0.1:${this.port('identity')}`;
    // Identity provisions AuthKit users from directories only when directory-sync runs in this stack.
    if (app === 'identity' && this.apps.includes('directory-sync')) env.DIRECTORY_SYNC_URL = `http://127.0.0.1:${this.port('directory-sync')}`;
    // The audit-log streaming widget manages log streams through audit-logs, where it runs.
    if (app === 'identity' && this.apps.includes('audit-logs')) env.AUDIT_LOGS_URL = `http://127.0.0.1:${this.port('audit-logs')}`;
    // Identity asks radar about sign-ins only when radar runs in this stack.
    if (app === 'identity' && this.apps.includes('radar')) env.RADAR_URL = `http://127.0.0.1:${this.port('radar')}`;
    // The Admin Portal drives these services' APIs (each where it runs in this stack).
    if (app === 'admin-portal') for (const a of INTERNAL_CALLS['admin-portal']) if (this.apps.includes(a)) env[upstreamEnvName(a)] = `http://127.0.0.1:${this.port(a)}`;
    // So does the Dashboard console, and the gateway's console routes (its settings).
    if (app === 'dashboard') for (const a of INTERNAL_CALLS.dashboard) if (this.apps.includes(a)) env[upstreamEnvName(a)] = `http://127.0.0.1:${this.port(a)}`;
    return { ...env, ...this.opts.appEnv?.[app] };
  }

  /** UV_THREADPOOL_SIZE for `app`, when the stack sets one (threadpool.ts). */
  private uvThreadpoolEnv(app: AppName): Record<string, string> {
    const size = this.opts.uvThreadpoolSize?.[app] ?? defaultUvThreadpoolSize(app);
    return size === undefined ? {} : { UV_THREADPOOL_SIZE: String(size) };
  }

  /** Starts one app; `extraEnv` overrides its variables for this process only (a fault test's clock skew). */
  spawnApp(app: AppName, extraEnv: Record<string, string> = {}): void {
    if (this.stopped) throw new Error(`the stack is stopped; ${app} is not started`);
    if (this.running.has(app)) throw new Error(`${app} is already running`);
    const entry = this.launch(app, { ...this.appEnv(app), ...extraEnv }, `${app}.log`, this.port(app));
    void entry.exited.then(() => {
      if (this.running.get(app) === entry) this.running.delete(app);
    });
    this.running.set(app, entry);
  }

  /**
   * Waits until `app` answers /ready. With several replicas, the others are started once the
   * first is ready (so migrations-at-boot and first-time setup run once), and each must say it
   * started: probing a shared port cannot tell which replica answered.
   */
  async waitReady(app: AppName, timeoutMs = this.opts.readyTimeoutMs ?? 60_000): Promise<void> {
    await this.waitFirstReady(app, timeoutMs);
    const extra = this.replicaCount(app) > 1 && !this.replicated.has(app) ? this.spawnSharedReplicas(app) : [];
    await Promise.all(extra.map((r) => withTimeout(r.started, timeoutMs, `a replica of ${app} did not start in ${timeoutMs} ms`)));
  }

  private async waitFirstReady(app: AppName, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Another replica on the shared port could answer /ready for a process still starting.
    const first = this.running.get(app);
    if (first && this.replicaCount(app) > 1) await withTimeout(first.started, timeoutMs, `${app} did not start in ${timeoutMs} ms`);
    const url = `http://127.0.0.1:${app === 'api-gateway' ? this.gatewayAdminPort : this.port(app)}/ready`;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (!this.running.has(app)) throw new Error(`${app} exited during startup; see ${join(this.opts.logDir, `${app}.log`)}`);
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) return;
        last = `${res.status} ${await res.text()}`;
      } catch (err) {
        last = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${app} not ready after ${timeoutMs} ms (${last}); see ${join(this.opts.logDir, `${app}.log`)}`);
  }

  /** The process IDs of every live process of `app`: the first one, then its replicas. */
  processes(app: AppName): number[] {
    const all = [this.running.get(app), ...this.replicas.filter((r) => r.name === app && r.port === this.port(app))];
    return all.filter((r): r is Running => !!r && r.child.exitCode === null && r.child.signalCode === null).map((r) => r.child.pid!);
  }

  /** The process ID of each running app (for CPU and memory accounting). */
  pids(): Map<AppName, number> {
    return new Map([...this.running].map(([app, r]) => [app, r.child.pid!]));
  }

  /**
   * Starts another replica of a running app on `port` (same database, Kafka group, Redis and keys),
   * for tests of behaviour across replicas. The gateway keeps routing to the first one; reach this
   * one directly with requests signed by internalAuthKey(app). `env` overrides some of its
   * variables (a replica configured differently). Stopped by stop().
   */
  async spawnReplica(app: AppName, port: number, env: Record<string, string> = {}): Promise<{ url: string; kill(signal?: NodeJS.Signals): Promise<void> }> {
    if (this.stopped) throw new Error(`the stack is stopped; no ${app} replica is started`);
    await assertPortFree(port, `${app} replica`);
    const entry = this.launch(app, { ...this.appEnv(app), ...env, PORT: String(port), REUSE_PORT: 'false' }, `${app}-replica-${port}.log`, port);
    const { child, exited } = entry;
    this.replicas.push(entry);
    const url = `http://127.0.0.1:${port}`;
    // The gateway answers /ready on its admin port only: a gateway replica needs env.ADMIN_PORT of its own.
    if (app === 'api-gateway' && !env.ADMIN_PORT) throw new Error('a gateway replica needs env.ADMIN_PORT (its own admin port)');
    const readyUrl = app === 'api-gateway' ? `http://127.0.0.1:${env.ADMIN_PORT}/ready` : `${url}/ready`;
    const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 60_000);
    for (let ready = false; !ready; ) {
      if (child.exitCode !== null) throw new Error(`${app} replica exited during startup; see ${this.opts.logDir}`);
      if (Date.now() > deadline) throw new Error(`${app} replica on ${port} not ready`);
      ready = await fetch(readyUrl, { signal: AbortSignal.timeout(2000) }).then((r) => r.status === 200, () => false);
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    return {
      url,
      kill: async (signal: NodeJS.Signals = 'SIGTERM') => {
        child.kill(signal);
        await exited;
      },
    };
  }

  /** The internal-auth key `app` verifies (derived from this stack's root), for tests that call a service directly. */
  internalAuthKey(app: AppName): string {
    return deriveInternalAuthKey(this.opts.internalAuthSecret, app);
  }

  /** Sends a signal to one app and waits for it to exit (SIGKILL simulates a crash). */
  async kill(app: AppName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const r = this.running.get(app);
    if (!r) return;
    r.child.kill(signal);
    await r.exited;
  }

  async restart(app: AppName): Promise<void> {
    await this.kill(app, 'SIGTERM');
    this.spawnApp(app);
    await this.waitReady(app);
  }

  /** Stops every app this stack started: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    const all = [...this.running.values(), ...this.replicas.splice(0).filter((r) => r.child.exitCode === null && r.child.signalCode === null)];
    for (const r of all) r.child.kill('SIGTERM');
    await Promise.all(
      all.map(async (r) => {
        const timer = setTimeout(() => r.child.kill('SIGKILL'), graceMs);
        await r.exited;
        clearTimeout(timer);
      }),
    );
  }

  /** Runs a gateway command of the `wos` CLI (`environments create …`) against this stack's gateway database. */
  runGatewayCli(args: string[]): Promise<string> {
    return this.runCli('api-gateway', args);
  }

  /**
   * The Dashboard's built-in environment, its audit organization and its owner (`wos dashboard
   * bootstrap`); idempotent. With `file`, the owner's password is kept there (mode 0600) and reused
   * while it still signs in; otherwise a new one is set each time.
   */
  async bootstrapDashboard(opts: { email?: string; file?: string } = {}): Promise<DashboardOwner> {
    const args = ['dashboard', 'bootstrap', '--json', ...(opts.email ? ['--email', opts.email] : []), ...(opts.file ? ['--file', opts.file] : [])];
    return JSON.parse(await this.runCli('dashboard', args)) as DashboardOwner;
  }

  /** Runs a `wos` command with `app`'s configuration (its database, its peers' keys and URLs). */
  runCli(app: AppName, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(this.opts.root, 'tools', 'wos.mjs'), ...args], {
        env: this.appEnv(app),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wos ${args.join(' ')} failed (${code}): ${err || out}`))));
    });
  }

  /** Creates a fresh environment with an API key and a client ID. */
  async createEnvironment(name: string, extraArgs: string[] = []): Promise<Credentials> {
    const out = await this.runGatewayCli(['environments', 'create', '--name', name, '--json', ...extraArgs]);
    return JSON.parse(out) as Credentials;
  }

  /** Allows `uri` as a redirect URI of the environment (compared exactly by the gateway). */
  async addRedirectUri(environmentId: string, uri: string): Promise<void> {
    await this.runGatewayCli(['redirect-uris', 'add', '--environment', environmentId, '--uri', uri, '--json']);
  }
}

function assertPortFree(port: number, app: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(err.code === 'EADDRINUSE' ? `port ${port} for ${app} is already in use (another stack with the same portOffset?)` : err.message)),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
