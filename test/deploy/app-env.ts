import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

// What each app's own zod config (apps/<app>/src/config.ts: configSchema, loadAppConfig) demands
// of its environment, and the environment the deploy manifests actually give it.

interface ZodLike {
  shape?: Record<string, ZodLike>;
  safeParse(value: unknown): { success: boolean };
  _zod?: { def: { in?: ZodLike; innerType?: ZodLike; schema?: ZodLike } };
}

interface AppConfigModule {
  configSchema: ZodLike;
  loadAppConfig(env: NodeJS.ProcessEnv): unknown;
}

export function appConfigModule(root: string, app: string): AppConfigModule {
  // The compiled module the service itself loads at start-up.
  return require(path.join(root, 'apps', app, 'dist/src/config.js')) as AppConfigModule;
}

/** Variables the app's config schema requires: present in its object shape, and rejecting undefined. */
export function requiredVariables(root: string, app: string): string[] {
  let schema: ZodLike | undefined = appConfigModule(root, app).configSchema;
  // Unwrap transforms (pipes) and wrappers down to the object schema.
  for (let depth = 0; schema && !schema.shape && depth < 10; depth++) {
    const def: NonNullable<ZodLike['_zod']>['def'] | undefined = schema._zod?.def;
    schema = def?.in ?? def?.innerType ?? def?.schema;
  }
  if (!schema?.shape) throw new Error(`apps/${app}: configSchema has no object shape to read`);
  return Object.entries(schema.shape).filter(([, field]) => !field.safeParse(undefined).success).map(([name]) => name).sort();
}

/** The `ENV` defaults the runtime image bakes in (deploy/Dockerfile, last stage). */
export function imageEnv(root: string, app: string): Record<string, string> {
  const dockerfile = readFileSync(path.join(root, 'deploy/Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages = dockerfile.split(/^FROM /m);
  const runtime = stages[stages.length - 1];
  const env: Record<string, string> = {};
  for (const line of runtime.split('\n')) {
    const m = /^ENV\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const pair of m[1].trim().split(/\s+/)) {
      const [name, ...rest] = pair.split('=');
      env[name] = rest.join('=').replace('${APP}', app);
    }
  }
  return env;
}

/**
 * Every app's key variables as tools/derive-keys.mjs gives them (compose's keys.env, the k8s
 * Secrets' entries), derived from fresh throwaway roots.
 */
export function derivedKeys(root: string): Map<string, Record<string, string>> {
  const out = execFileSync(process.execPath, [path.join(root, 'tools/derive-keys.mjs'), '--format', 'env'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WOS_INTERNAL_AUTH_ROOT: randomBytes(32).toString('hex'),
      WOS_SECRET_ENCRYPTION_ROOT: `root1:${randomBytes(32).toString('base64')}`,
      WOS_VAULT_ROOT_KEYS: `vroot1:${randomBytes(32).toString('base64')}`,
    },
  });
  const keys = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const line of out.split('\n')) {
    const header = /^# (\S+)$/.exec(line);
    if (header) keys.set(header[1], (current = {}));
    const variable = /^([A-Z0-9_]+)='(.*)'$/.exec(line);
    if (variable && current) current[variable[1]] = variable[2];
  }
  return keys;
}

/** Whether the app starts with this environment: its own loadAppConfig, "" when it does. */
export function configProblem(root: string, app: string, env: Record<string, string>): string {
  try {
    appConfigModule(root, app).loadAppConfig({ ...env });
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}
