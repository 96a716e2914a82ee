import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { APP_CATALOGUE, upstreamEnvName, type AppName } from './catalogue';
import { MAX_REPLICAS } from './stack';
import { MAX_UV_THREADPOOL_SIZE } from './threadpool';

/**
 * The run command's configuration (tools/run.sh → tools/stack.mjs): a git-ignored `.env` at the
 * repository root plus the shell's environment, routed to the services that declare each
 * variable in their `src/config.ts` schema.
 */

/** Read by the run command itself (Stack options), not handed to services as written. */
export const RUN_SETTINGS = ['POSTGRES_URL', 'KAFKA_BROKERS', 'REDIS_URL', 'SECRET_ENCRYPTION_KEYS', 'VAULT_ROOT_KEYS', 'ALLOW_LOOPBACK_URLS', 'WOS_REPLICAS', 'WOS_UV_THREADPOOL_SIZE'] as const;
export type RunSettings = Partial<Record<(typeof RUN_SETTINGS)[number], string>>;

/**
 * Values the stack computes for each service. Invariant: a `.env` line can never replace them
 * (a stray PORT or DATABASE_URL would point a service at another one's port or database, and the
 * internal-auth keys are derived per service from the checkout's root), so they are refused with
 * a warning.
 */
export const STACK_MANAGED: readonly string[] = [
  'PORT',
  'HOST',
  'ADMIN_PORT',
  'DATABASE_URL',
  'INTERNAL_AUTH_SECRET',
  'INTERNAL_AUTH_PEER_KEYS',
  'PUBLIC_BASE_URL',
  'REUSE_PORT',
  ...APP_CATALOGUE.map((a) => upstreamEnvName(a.name)),
];

/** docker-compose.yml reads these from the same `.env`; the run command has its own equivalents. */
export const COMPOSE_ONLY: readonly string[] = ['WOS_INTERNAL_AUTH_ROOT', 'WOS_SECRET_ENCRYPTION_ROOT', 'IDENTITY_NODE_ENV'];

/** Every service gets these although no schema names them: the OpenTelemetry SDK and Node read them. */
const EVERY_SERVICE = (key: string) => key.startsWith('OTEL_') || key === 'NODE_OPTIONS';

export interface RunEnv {
  settings: RunSettings;
  /** Variables for each service, only those it declares. */
  perApp: Partial<Record<AppName, Record<string, string>>>;
  /** Printed at start: unknown variables, refused stack-managed ones. */
  warnings: string[];
  /** Where each routed or applied variable came from. */
  sources: Record<string, '.env' | 'environment'>;
}

/** The `.env` file's variables (KEY=VALUE, `#` comments, quotes, `export`), or {} without one. */
export function readDotEnv(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  return Object.fromEntries(Object.entries(parseEnv(readFileSync(file, 'utf8'))).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The top-level keys of a service's zod config schema (through a final `.transform`/`.pipe`). */
export function configKeys(schema: unknown): string[] {
  let s = schema as { shape?: Record<string, unknown>; def?: { in?: unknown; innerType?: unknown; schema?: unknown } } | undefined;
  for (let i = 0; i < 5 && s && !s.shape; i++) s = (s.def?.in ?? s.def?.innerType ?? s.def?.schema) as typeof s;
  if (!s?.shape) throw new Error('the config schema has no object shape');
  return Object.keys(s.shape);
}

/** Each app's declared variables, from its build (`apps/<app>/dist/src/config.js` → `configSchema`). */
export function loadDeclaredKeys(root: string, apps: readonly AppName[] = APP_CATALOGUE.map((a) => a.name)): Map<AppName, Set<string>> {
  const out = new Map<AppName, Set<string>>();
  for (const app of apps) {
    const mod = require(join(root, 'apps', app, 'dist', 'src', 'config.js')) as { configSchema?: unknown };
    if (!mod.configSchema) throw new Error(`apps/${app}/src/config.ts must export configSchema`);
    out.set(app, new Set(configKeys(mod.configSchema)));
  }
  return out;
}

/**
 * Routes variables to services. `.env` values are all considered (an unknown one is a warning);
 * from the shell's environment only variables some service declares are taken (it holds PATH,
 * HOME and the rest), and they win over `.env`, as with every dotenv tool.
 */
export function routeRunEnv(input: { dotenv: Record<string, string>; environment: NodeJS.ProcessEnv; declared: Map<AppName, Set<string>> }): RunEnv {
  const { dotenv, environment, declared } = input;
  const known = new Set<string>([...RUN_SETTINGS]);
  for (const keys of declared.values()) for (const k of keys) known.add(k);
  const result: RunEnv = { settings: {}, perApp: {}, warnings: [], sources: {} };
  const merged = new Map<string, { value: string; source: '.env' | 'environment' }>();
  for (const [k, v] of Object.entries(dotenv)) merged.set(k, { value: v, source: '.env' });
  for (const [k, v] of Object.entries(environment)) {
    if (v !== undefined && !STACK_MANAGED.includes(k) && (known.has(k) || EVERY_SERVICE(k))) merged.set(k, { value: v, source: 'environment' });
  }
  for (const [key, { value, source }] of [...merged].sort(([a], [b]) => a.localeCompare(b))) {
    if (STACK_MANAGED.includes(key)) {
      result.warnings.push(`.env: ${key} is set by the run command for each service (ports, databases, keys); ignored`);
      continue;
    }
    if ((RUN_SETTINGS as readonly string[]).includes(key)) {
      result.settings[key as keyof RunSettings] = value;
      result.sources[key] = source;
      continue;
    }
    if (COMPOSE_ONLY.includes(key)) continue;
    const targets = [...declared].filter(([, keys]) => keys.has(key) || EVERY_SERVICE(key)).map(([app]) => app);
    if (!targets.length) {
      result.warnings.push(`.env: no service declares ${key}; ignored (see .env.example)`);
      continue;
    }
    for (const app of targets) (result.perApp[app] ??= {})[key] = value;
    result.sources[key] = source;
  }
  return result;
}

/** ALLOW_LOOPBACK_URLS is an explicit opt-in: only the exact value "true" turns it on. */
export function loopbackAllowed(settings: RunSettings): boolean {
  const v = settings.ALLOW_LOOPBACK_URLS;
  if (v !== undefined && v !== 'true' && v !== 'false') throw new Error(`ALLOW_LOOPBACK_URLS must be "true" or "false", got "${v}"`);
  return v === 'true';
}

/**
 * WOS_REPLICAS, e.g. `identity=2,sso=2,api-gateway=2`: processes per app (Stack `replicas`);
 * unnamed apps run one. A malformed entry, an unknown app or a count outside 1..MAX_REPLICAS
 * stops the run with the reason.
 */
export function parseReplicas(settings: RunSettings): Partial<Record<AppName, number>> {
  return parsePerApp('WOS_REPLICAS', settings.WOS_REPLICAS, MAX_REPLICAS, 'identity=2,sso=2');
}

/**
 * WOS_UV_THREADPOOL_SIZE, e.g. `identity=4,sso=2`: libuv's thread-pool size per app (Stack
 * `uvThreadpoolSize`); unnamed apps get defaultUvThreadpoolSize (threadpool.ts: identity one
 * thread per core, at least 2; the others libuv's 4).
 */
export function parseUvThreadpoolSizes(settings: RunSettings): Partial<Record<AppName, number>> {
  return parsePerApp('WOS_UV_THREADPOOL_SIZE', settings.WOS_UV_THREADPOOL_SIZE, MAX_UV_THREADPOOL_SIZE, 'identity=4');
}

/** `<app>=<n>,…` with 1 <= n <= max; a malformed entry or an unknown app stops the run with the reason. */
function parsePerApp(name: string, value: string | undefined, max: number, example: string): Partial<Record<AppName, number>> {
  const out: Partial<Record<AppName, number>> = {};
  for (const part of (value ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z-]+)=(\d{1,4})$/.exec(part);
    const app = m && APP_CATALOGUE.find((a) => a.name === m[1])?.name;
    const n = m ? Number(m[2]) : NaN;
    if (!app || n < 1 || n > max) throw new Error(`${name}: "${part}" is not <app>=<1..${max}> for an app in apps/ (example: ${example})`);
    out[app] = n;
  }
  return out;
}
