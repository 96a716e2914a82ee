import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { WorkOS, type Event, type EventName, type WorkOSOptions } from '@workos-inc/node';
import * as platformStack from '@wos/platform/stack';
import { APP_CATALOGUE, type AppName, type Credentials, type Stack } from '@wos/platform/stack';
import { slotPort, startGroupAtTopicEnds, startTestRedis, testSlot, waitFor, type TestRedis } from '@wos/platform/testing';
import { httpRequest, type HttpOptions, type HttpResult } from './http';

/** Repository root, from test/dist/support. */
export const ROOT = resolve(__dirname, '..', '..', '..');

export interface E2eOptions {
  /** Short file name: database prefix, Kafka group, log folder. */
  name: string;
  /**
   * Added to every app port; each test file uses its own multiple of 500 from 1,000 to 23,000.
   * The bounds keep every port of the stack (offset + 3001..3010, + 6379 for its Redis, + 8080,
   * + 9464 for the gateway's admin port, + 90 for test slots) below 32768, where Linux starts
   * handing out ephemeral ports to outgoing connections; the spacing keeps files' ports apart.
   * 2000 is out: its gateway would listen on 10080, a port fetch() refuses. CHAOS_PORT_OFFSET is
   * the one exception (test/chaos, outside the end-to-end lanes): its gateway and admin ports fall
   * in the ephemeral range, where the stack's port check fails loudly should one be taken.
   */
  portOffset: number;
  apps?: AppName[];
  kafkaBrokers?: string;
  /** The Postgres superuser URL the stack creates its databases with (default TEST_POSTGRES_URL, else the machine's cluster). */
  postgresUrl?: string;
  env?: Record<string, string>;
  appEnv?: Partial<Record<AppName, Record<string, string>>>;
  /** Processes per app, sharing its port (StackOptions.replicas). */
  replicas?: Partial<Record<AppName, number>>;
  readyTimeoutMs?: number;
  /**
   * Another copy of the repository to run the stack from (the template test's scratch copy, with
   * an app this checkout does not have): its own build of the platform's stack runner starts its
   * apps. Logs still go to this checkout's .tools/test-logs.
   */
  root?: string;
}

export interface E2e {
  stack: Stack;
  creds: Credentials;
  /** SDK client for `creds`, no retries. */
  workos: WorkOS;
  baseUrl: string;
  port: number;
  /** This stack's own Redis server. */
  redisUrl: string;
  /** Stops this stack's Redis server (a fault); startRedis brings it back, empty, on the same port. */
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
  /** Where each app's `<app>.log` is written. */
  logDir: string;
  /** Another SDK client against this stack (another key, retries on, a fetch wrapper...). */
  client(apiKey?: string, options?: Partial<WorkOSOptions>): WorkOS;
  /** Raw HTTP to the gateway; `key: true` sends this file's API key. */
  http(method: string, path: string, opts?: Omit<HttpOptions, 'port'> & { key?: string | true }): Promise<HttpResult>;
  createEnvironment(name: string): Promise<Credentials>;
  /** Allows `uri` as a redirect URI of this file's environment, or of `environmentId`. */
  addRedirectUri(uri: string, environmentId?: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The chaos suite's stack (test/chaos): an offset below the end-to-end range (1,000–23,000) whose
 * ports, at every test slot, are none of another stack's (the development stack's at 0, any
 * end-to-end offset's, the machine's own services) and all below Linux's ephemeral ports (32768
 * and up), where a listener can find its port taken by some process's outgoing connection: 26,000
 * put the gateway on 34,080 and 23,500 its admin port on 32,964, and a CI run failed on each.
 */
export const CHAOS_PORT_OFFSET = 750;

/* Ports above 1024 that fetch() refuses to connect to (the WHATWG "bad port" list). */
const FETCH_BLOCKED_PORTS = [1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080];

export async function startE2e(opts: E2eOptions): Promise<E2e> {
  const fetchBlocked = FETCH_BLOCKED_PORTS.filter((p) => [9464, ...APP_CATALOGUE.map((a) => a.port)].some((base) => base + opts.portOffset === p));
  const inE2eRange = opts.portOffset % 500 === 0 && opts.portOffset >= 1000 && opts.portOffset <= 23000;
  if (!(inE2eRange || opts.portOffset === CHAOS_PORT_OFFSET) || fetchBlocked.length) {
    throw new Error(`portOffset ${opts.portOffset}: use an unused multiple of 500 from 1000 to 23000 whose ports fetch() does not block (see E2eOptions.portOffset)`);
  }
  // Each stack has a Redis server of its own (port = the stack's offset + 6379, which no app
  // port of any file's offset can equal), so files share no Redis state and may run at once.
  const redisPort = slotPort(opts.portOffset) + 6379;
  let testRedis: TestRedis | undefined = await startTestRedis(redisPort);
  const redisUrl = testRedis.url;
  const stopRedis = async () => {
    await testRedis?.stop();
    testRedis = undefined;
  };

  const rand = randomBytes(4).toString('hex');
  const logDir = resolve(ROOT, '.tools', 'test-logs', opts.name);
  const kafkaBrokers = opts.kafkaBrokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const apps = opts.apps ?? ['organizations', 'events'];
  const groups = {
    events: opts.appEnv?.events?.KAFKA_GROUP_ID ?? `events-e2e-${opts.name}-${rand}`,
    'webhook-dispatcher': opts.appEnv?.['webhook-dispatcher']?.KAFKA_GROUP_ID ?? `webhooks-e2e-${opts.name}-${rand}`,
  };
  // The stack's own consumer groups read what happens from now on, not the shared broker's history.
  try {
    for (const [app, group] of Object.entries(groups)) if (apps.includes(app as AppName)) await startGroupAtTopicEnds(kafkaBrokers.split(','), group);
  } catch (err) {
    await stopRedis();
    throw err;
  }
  const root = opts.root ?? ROOT;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Stack } = root === ROOT ? platformStack : (require(join(root, 'libs', 'platform', 'dist', 'stack')) as typeof platformStack);
  const stack = new Stack({
    root,
    apps,
    portOffset: slotPort(opts.portOffset),
    dbPrefix: `wos_e2e${testSlot ? `_s${testSlot}` : ''}_${opts.name.replace(/\W/g, '_')}`,
    postgresUrl: opts.postgresUrl ?? process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    kafkaBrokers,
    redisUrl,
    internalAuthSecret: randomBytes(24).toString('hex'),
    // The test IdPs, webhook receivers and OIDC providers listen on loopback http.
    allowLoopbackUrls: true,
    freshDatabases: true,
    logDir,
    env: { LOG_LEVEL: 'info', ...opts.env },
    appEnv: {
      ...opts.appEnv,
      // Radar's verdicts are what the suites check. Past the production timeout (300 ms) identity
      // applies the fail policy instead, and a busy CI machine can take that long (a sign-in radar
      // was to block went through, 2026-12-07). A suite that tests the timeout sets its own.
      identity: { RADAR_TIMEOUT_MS: '5000', ...opts.appEnv?.identity },
      events: { ...opts.appEnv?.events, KAFKA_GROUP_ID: groups.events },
      'webhook-dispatcher': { ...opts.appEnv?.['webhook-dispatcher'], KAFKA_GROUP_ID: groups['webhook-dispatcher'] },
    },
    replicas: opts.replicas,
    readyTimeoutMs: opts.readyTimeoutMs ?? 120_000,
  });
  try {
    await stack.start();
  } catch (err) {
    await stack.stop();
    await stopRedis();
    throw err;
  }
  const port = stack.port('api-gateway');
  let creds: Credentials;
  try {
    creds = await stack.createEnvironment(`e2e-${opts.name}-${rand}`);
  } catch (err) {
    await stack.stop();
    await stopRedis();
    throw err;
  }
  const client = (apiKey = creds.api_key, options: Partial<WorkOSOptions> = {}) =>
    new WorkOS(apiKey, { apiHostname: '127.0.0.1', port, https: false, clientId: creds.client_id, maxRetries: 0, ...options });
  return {
    stack,
    creds,
    workos: client(),
    baseUrl: stack.baseUrl,
    port,
    logDir,
    client,
    http: (method, path, o = {}) => {
      const { key, ...rest } = o;
      const headers = { ...rest.headers };
      if (key) headers.authorization = `Bearer ${key === true ? creds.api_key : key}`;
      return httpRequest(method, path, { ...rest, port, headers });
    },
    createEnvironment: (name) => stack.createEnvironment(name),
    addRedirectUri: (uri, environmentId = creds.environment_id) => stack.addRedirectUri(environmentId, uri),
    redisUrl,
    stopRedis,
    startRedis: async () => {
      testRedis ??= await startTestRedis(redisPort);
    },
    stop: async () => {
      await stack.stop();
      await stopRedis();
    },
  };
}

/** Every stored event of these types, oldest first, following `after` cursors. */
export async function listAllEvents(workos: WorkOS, events: EventName[], organizationId?: string): Promise<Event[]> {
  const all: Event[] = [];
  for (let after: string | undefined; ; ) {
    const page = await workos.events.listEvents({ events, limit: 100, after, organizationId });
    all.push(...page.data);
    if (page.data.length < 100) return all;
    after = page.data.at(-1)!.id;
  }
}

/** Waits until `done(events)` holds for the stored events of these types. */
export function waitForEvents(
  workos: WorkOS,
  events: EventName[],
  done: (all: Event[]) => boolean,
  opts: { timeoutMs?: number; message?: string } = {},
): Promise<Event[]> {
  return waitFor(
    async () => {
      const all = await listAllEvents(workos, events);
      return done(all) ? all : undefined;
    },
    { timeoutMs: opts.timeoutMs ?? 60_000, intervalMs: 250, message: opts.message ?? `events ${events.join(',')}` },
  );
}

/** The data.id an organization.* event is about, or the organization of an organization_domain.* event. */
export function organizationOf(e: Event): string {
  const d = e.data as unknown as Record<string, unknown>;
  if (e.event.startsWith('organization.')) return d.id as string;
  if (e.event === 'organization_domain.verification_failed') return (d.organizationDomain as { organizationId: string }).organizationId;
  return d.organizationId as string;
}

/** Event types in stored order, grouped by organization. */
export function typesByOrganization(events: Event[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of events) {
    const org = organizationOf(e);
    out.set(org, [...(out.get(org) ?? []), e.event]);
  }
  return out;
}

export function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

/** Asserts the SDK threw an exception of this class and status, carrying a request ID. */
export async function expectSdkError<T>(
  call: Promise<unknown>,
  cls: abstract new (...args: never[]) => T,
  status: number,
): Promise<T & { status: number; requestID: string; message: string }> {
  let thrown: unknown;
  try {
    await call;
  } catch (err) {
    thrown = err;
  }
  const e = thrown as { status?: number; requestID?: string; name?: string; message?: string } | undefined;
  if (!(thrown instanceof cls)) {
    throw new Error(`expected ${cls.name} (${status}), got ${thrown === undefined ? 'success' : `${e?.name} ${e?.status}: ${e?.message}`}`);
  }
  if (e!.status !== status) throw new Error(`expected status ${status} on ${cls.name}, got ${e!.status}`);
  if (!e!.requestID) throw new Error(`${cls.name} carries an empty requestID`);
  return thrown as T & { status: number; requestID: string; message: string };
}
