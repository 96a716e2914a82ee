import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { CliFailure, CliUsageError as UsageError, EXIT, type CliContext } from '@wos/platform/cli';
import { ConfigError, DomainError, createPgPool, createPrismaAdapter } from '@wos/platform';
import { PrismaClient } from '../generated/prisma/client';
import { loadCliConfig } from '../config';
import { CredentialsRepository } from '../credentials/credentials.repository';
import { CredentialsService } from '../credentials/credentials.service';
import type { EnvironmentKind } from '../credentials/api-key.secret';

export interface CommandArgs {
  positionals: string[];
  name?: string;
  kind?: string;
  json: boolean;
  environment?: string;
  rateLimit?: string;
  file?: string;
  uri?: string;
  origin?: string;
}
export type Print = (text: string) => void;
type Command = (svc: CredentialsService, args: CommandArgs, print: Print) => Promise<void>;

const table = (rows: string[][]) => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
};
const out = (args: CommandArgs, print: Print, value: unknown, human: () => string) => print(args.json ? JSON.stringify(value, null, 2) : human());

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required`);
  return value;
}

function parseKind(kind: string | undefined): EnvironmentKind {
  if (kind === undefined || kind === 'test' || kind === 'live') return kind ?? 'test';
  throw new UsageError(`--kind must be "test" or "live", got "${kind}"`);
}

function parseRateLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,8}$/.test(value)) throw new UsageError(`--rate-limit must be a positive whole number of requests per minute, got "${value}"`);
  return Number(value);
}

const createEnvironment: Command = async (svc, args, print) => {
  const r = await svc.createEnvironment(required(args.name, '--name'), parseKind(args.kind));
  // Flat, like the dev-credentials file: scripts read environment_id, api_key and client_id.
  const flat = {
    environment_id: r.environment.id,
    api_key: r.api_key.value,
    client_id: r.client_id.id,
    environment: r.environment,
    api_key_id: r.api_key.id,
  };
  out(args, print, flat, () =>
    [
      `Environment  ${r.environment.id}  ${r.environment.name} (${r.environment.kind})`,
      `API key      ${r.api_key.value}  (${r.api_key.id}; shown once, store it now)`,
      `Client ID    ${r.client_id.id}`,
    ].join('\n'),
  );
};

const listEnvironments: Command = async (svc, args, print) => {
  const envs = await svc.listEnvironments();
  out(args, print, envs, () => table([['ID', 'NAME', 'KIND', 'CREATED'], ...envs.map((e) => [e.id, e.name, e.kind, e.created_at])]));
};

const createApiKey: Command = async (svc, args, print) => {
  const key = await svc.createApiKey(required(args.environment, '--environment'), { name: args.name, rateLimitPerMinute: parseRateLimit(args.rateLimit) });
  out(args, print, key, () => `API key  ${key.value}  (${key.id}; shown once, store it now)`);
};

const listApiKeys: Command = async (svc, args, print) => {
  const keys = await svc.listApiKeys(required(args.environment, '--environment'));
  out(args, print, keys, () =>
    table([
      ['ID', 'NAME', 'KEY', 'RATE LIMIT/MIN', 'CREATED', 'REVOKED'],
      ...keys.map((k) => [k.id, k.name, k.obfuscated_value, String(k.rate_limit_per_minute ?? 'default'), k.created_at, k.revoked_at ?? '-']),
    ]),
  );
};

const revokeApiKey: Command = async (svc, args, print) => {
  const key = await svc.revokeApiKey(required(args.positionals[0], 'the API key ID'));
  out(args, print, key, () => `Revoked ${key.id} (${key.obfuscated_value}) at ${key.revoked_at}`);
};

const createClientId: Command = async (svc, args, print) => {
  const c = await svc.createClientId(required(args.environment, '--environment'));
  out(args, print, c, () => `Client ID  ${c.id}`);
};

const listClientIds: Command = async (svc, args, print) => {
  const ids = await svc.listClientIds(required(args.environment, '--environment'));
  out(args, print, ids, () => table([['ID', 'CREATED'], ...ids.map((c) => [c.id, c.created_at])]));
};

const addRedirectUri: Command = async (svc, args, print) => {
  const r = await svc.addRedirectUri(required(args.environment, '--environment'), required(args.uri, '--uri'));
  out(args, print, r, () => `Redirect URI  ${r.uri}  (${r.id})`);
};

const listRedirectUris: Command = async (svc, args, print) => {
  const uris = await svc.listRedirectUris(required(args.environment, '--environment'));
  out(args, print, uris, () => table([['ID', 'URI', 'CREATED'], ...uris.map((r) => [r.id, r.uri, r.created_at])]));
};

const removeRedirectUri: Command = async (svc, args, print) => {
  const uri = required(args.uri, '--uri');
  await svc.removeRedirectUri(required(args.environment, '--environment'), uri);
  out(args, print, { removed: uri }, () => `Removed ${uri}`);
};

const addCorsOrigin: Command = async (svc, args, print) => {
  const o = await svc.addCorsOrigin(required(args.environment, '--environment'), required(args.origin, '--origin'));
  out(args, print, o, () => `CORS origin  ${o.origin}  (${o.id})`);
};

const listCorsOrigins: Command = async (svc, args, print) => {
  const origins = await svc.listCorsOrigins(required(args.environment, '--environment'));
  out(args, print, origins, () => table([['ID', 'ORIGIN', 'CREATED'], ...origins.map((o) => [o.id, o.origin, o.created_at])]));
};

const removeCorsOrigin: Command = async (svc, args, print) => {
  const origin = required(args.origin, '--origin');
  await svc.removeCorsOrigin(required(args.environment, '--environment'), origin);
  out(args, print, { removed: origin }, () => `Removed ${origin}`);
};

/** The development environment's redirect URI, for a local app on port 3000. */
export const DEV_REDIRECT_URI = 'http://localhost:3000/callback';

/**
 * Seeds the dev stack once: reuses the file's credentials while its key still authenticates,
 * otherwise creates a "Development" environment and rewrites the file (mode 0600).
 */
const devCredentials: Command = async (svc, args, print) => {
  const file = required(args.file, '--file');
  if (existsSync(file)) {
    const saved = readSaved(file);
    if (saved && (await svc.isActive(saved.api_key))) return print(JSON.stringify(saved, null, 2));
  }
  const r = await svc.createEnvironment('Development', 'test');
  await svc.addRedirectUri(r.environment.id, DEV_REDIRECT_URI);
  const creds = { environment_id: r.environment.id, api_key: r.api_key.value, client_id: r.client_id.id };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  print(JSON.stringify(creds, null, 2));
};

function readSaved(file: string): { environment_id: string; api_key: string; client_id: string } | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const ok = typeof v.environment_id === 'string' && typeof v.api_key === 'string' && typeof v.client_id === 'string';
    return ok ? (v as { environment_id: string; api_key: string; client_id: string }) : undefined;
  } catch {
    return undefined; // unreadable or not JSON: replaced below
  }
}

/** `<group> <action>` (or a bare `<group>`) → command. */
export const COMMANDS: Partial<Record<string, Command>> = {
  'environments create': createEnvironment,
  'environments list': listEnvironments,
  'api-keys create': createApiKey,
  'api-keys list': listApiKeys,
  'api-keys revoke': revokeApiKey,
  'client-ids create': createClientId,
  'client-ids list': listClientIds,
  'redirect-uris add': addRedirectUri,
  'redirect-uris list': listRedirectUris,
  'redirect-uris remove': removeRedirectUri,
  'cors-origins add': addCorsOrigin,
  'cors-origins list': listCorsOrigins,
  'cors-origins remove': removeCorsOrigin,
  'dev-credentials': devCredentials,
};

/**
 * Runs one `wos` gateway command against the gateway's database: --database-url, else
 * DATABASE_URL, else the run command's wos_api_gateway.
 */
export async function runCredentialsCommand(key: string, ctx: CliContext): Promise<void> {
  const command = COMMANDS[key];
  if (!command) throw new Error(`no gateway command ${key}`);
  const o = ctx.options as Record<string, string | undefined>;
  const args: CommandArgs = {
    positionals: ctx.positionals,
    name: o.name,
    kind: o.kind,
    json: ctx.json,
    environment: o.environment,
    rateLimit: o['rate-limit'],
    file: o.file,
    uri: o.uri,
    origin: o.origin,
  };
  let url: string;
  try {
    url = loadCliConfig({ DATABASE_URL: o['database-url'] ?? ctx.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/wos_api_gateway' }).DATABASE_URL;
  } catch (err) {
    throw new UsageError((err as ConfigError).message);
  }
  const pool = createPgPool(url, 2);
  const prisma = new PrismaClient({ adapter: createPrismaAdapter(pool) });
  try {
    await command(new CredentialsService(new CredentialsRepository(prisma)), args, (text) => ctx.print(text));
  } catch (err) {
    if (err instanceof DomainError) throw new CliFailure(err.message);
    const code = (err as { code?: string }).code;
    if (code === 'P2021' || code === 'P1003' || code === '3D000') {
      throw new CliFailure('The gateway database or its tables do not exist yet. Run, with the same DATABASE_URL: node tools/migrate.mjs api-gateway', EXIT.unavailable);
    }
    throw err;
  } finally {
    await prisma.$disconnect();
    await pool.end();
  }
}
