// Starts the whole platform for local development (called by tools/run.sh after setup).
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { Stack, readDotEnv, loadDeclaredKeys, routeRunEnv, loopbackAllowed, parseReplicas, parseUvThreadpoolSizes, RUN_SETTINGS } = createRequire(import.meta.url)(join(root, 'libs/platform/dist/stack/index.js'));

// The git-ignored .env (see .env.example) and the shell's environment, routed to the services
// whose config schemas declare each variable; unknown or stack-managed ones are warnings.
const dotEnvFile = join(root, '.env');
const run = routeRunEnv({ dotenv: readDotEnv(dotEnvFile), environment: process.env, declared: loadDeclaredKeys(root) });
for (const w of run.warnings) console.warn(`warning: ${w}`);
let allowLoopbackUrls;
let replicas;
let uvThreadpoolSize;
try {
  allowLoopbackUrls = loopbackAllowed(run.settings);
  replicas = parseReplicas(run.settings);
  uvThreadpoolSize = parseUvThreadpoolSizes(run.settings);
} catch (err) {
  console.error(err.message);
  process.exit(2);
}

// The internal-auth root is generated once per checkout and kept in the git-ignored .tools folder;
// each service gets only keys derived from it (its own and its callees').
const secretFile = join(root, '.tools', 'internal-auth-secret');
if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
// Likewise the development root key-encryption key: each service seals under its own key derived
// from it, and values sealed before per-service keys existed still open (the root, decrypt-only).
const kekFile = join(root, '.tools', 'secret-encryption-keys');
if (!existsSync(kekFile)) writeFileSync(kekFile, `dev1:${randomBytes(32).toString('base64')}`, { mode: 0o600 });
// Vault's root key (VAULT_ROOT_KEYS) has its own file: it is not derived from the root above, so
// rotating that root never makes vault data unrecoverable. Deleting this file does.
const vaultRootFile = join(root, '.tools', 'vault-root-keys');
if (!existsSync(vaultRootFile)) writeFileSync(vaultRootFile, `vroot1:${randomBytes(32).toString('base64')}`, { mode: 0o600 });

const stack = new Stack({
  root,
  dbPrefix: 'wos',
  postgresUrl: run.settings.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  kafkaBrokers: run.settings.KAFKA_BROKERS ?? '127.0.0.1:9092',
  redisUrl: run.settings.REDIS_URL ?? 'redis://127.0.0.1:6379',
  internalAuthSecret: readFileSync(secretFile, 'utf8').trim(),
  secretEncryptionKeys: run.settings.SECRET_ENCRYPTION_KEYS ?? readFileSync(kekFile, 'utf8').trim(),
  vaultRootKeys: run.settings.VAULT_ROOT_KEYS ?? readFileSync(vaultRootFile, 'utf8').trim(),
  keepSharedSecretKeysForDecrypt: true,
  // Off unless asked for: http and loopback IdP and webhook URLs (a receiver on this machine).
  allowLoopbackUrls,
  logDir: join(root, '.tools', 'logs'),
  env: { LOG_LEVEL: 'info' },
  appEnv: run.perApp,
  // WOS_REPLICAS (e.g. identity=2,sso=2): processes per app, sharing its port.
  replicas,
  // WOS_UV_THREADPOOL_SIZE (e.g. identity=4): libuv's pool per app; unnamed: the stack's default (threadpool.ts).
  uvThreadpoolSize,
});
const routed = Object.keys(run.sources).filter((k) => !RUN_SETTINGS.includes(k));
if (Object.keys(replicas).length) console.log(`WOS_REPLICAS: ${Object.entries(replicas).map(([a, n]) => `${a}=${n}`).join(', ')} (replicas share their app's port)`);
if (Object.keys(uvThreadpoolSize).length) console.log(`WOS_UV_THREADPOOL_SIZE: ${Object.entries(uvThreadpoolSize).map(([a, n]) => `${a}=${n}`).join(', ')}`);
console.log(`ALLOW_LOOPBACK_URLS=${allowLoopbackUrls} (http and loopback IdP and webhook URLs are ${allowLoopbackUrls ? 'accepted' : 'refused'})`);

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping the platform…');
  await stack.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  await stack.prepareDatabases();
  const credsFile = join(root, '.dev-credentials.json');
  const out = await stack.runGatewayCli(['dev-credentials', '--file', credsFile]);
  await stack.start();
  const creds = JSON.parse(readFileSync(credsFile, 'utf8'));
  // The Dashboard's built-in environment and owner: a generated password, kept (mode 0600) in the
  // git-ignored .tools folder and reused while the owner exists; never a default in the repository.
  const owner = stack.apps.includes('dashboard') ? await stack.bootstrapDashboard({ file: join(root, '.tools', 'dashboard-owner.json') }) : null;
  console.log(`
The platform is running. Logs: .tools/logs/<app>.log
  Base URL:       ${stack.baseUrl}
  API key:        ${creds.api_key}
  Client ID:      ${creds.client_id}
  Environment:    ${creds.environment_id}
  (also written to .dev-credentials.json)
  Dev inbox:      ${stack.baseUrl}/dev/mail   (identity's email, when SMTP_HOST is not set)
${owner ? `  Dashboard:      ${owner.dashboard_url}
    owner:        ${owner.email}
    password:     ${owner.password}   (generated; kept in .tools/dashboard-owner.json)
` : ''}
  Configuration:  ${routed.length ? `${routed.join(', ')} (from .env or the environment)` : 'defaults (put variables in .env; see .env.example)'}
  ${allowLoopbackUrls
    ? 'ALLOW_LOOPBACK_URLS=true: http and loopback IdP and webhook URLs are accepted (development only).'
    : 'ALLOW_LOOPBACK_URLS is off: IdP and webhook URLs must be https and public. Set ALLOW_LOOPBACK_URLS=true in .env\n  to deliver webhooks to http://localhost:4000/webhooks or use a local IdP.'}
Press Ctrl-C to stop.`);
  void out;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await shutdown(1);
}
