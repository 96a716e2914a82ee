// Derives every service's own keys from two operator root secrets (security review M10, L14).
// A service gets its internal-auth key, the keys of the services it calls (INTERNAL_CALLS) and its
// own SECRET_ENCRYPTION_KEYS; no service ever sees a root. A third root, WOS_VAULT_ROOT_KEYS, is
// vault's own VAULT_ROOT_KEYS, passed as is (k8s: the Secret wos-vault-root, key `vault`).
//
//   WOS_INTERNAL_AUTH_ROOT=…  WOS_SECRET_ENCRYPTION_ROOT="<kid>:<base64 32 bytes>"  node tools/derive-keys.mjs --format k8s
//   node tools/derive-keys.mjs --format env                 # one block of variables per app
//   node tools/derive-keys.mjs --out-dir DIR [--root-dir R] # DIR/<app>/keys.env (docker-compose's one-shot)
//
// Roots come from the two variables; with --root-dir, missing roots are generated once and kept
// there (never in an app's directory). WOS_SECRET_ENCRYPTION_LEGACY_KEYS (a previous shared
// SECRET_ENCRYPTION_KEYS value) is appended to every app's keys decrypt-only, so values sealed
// before per-service keys still open until they are re-sealed.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { deriveInternalAuthKey, deriveSecretEncryptionKeys, SecretBox } = require(join(root, 'libs/platform/dist/crypto/index.js'));
const { APP_CATALOGUE, INTERNAL_CALLS } = require(join(root, 'libs/platform/dist/stack/catalogue.js'));

const { values } = parseArgs({
  options: { format: { type: 'string', default: 'env' }, 'out-dir': { type: 'string' }, 'root-dir': { type: 'string' }, namespace: { type: 'string' } },
});

function rootSecret(variable, file, generate) {
  const given = process.env[variable]?.trim();
  if (given) return given;
  const dir = values['root-dir'];
  if (!dir) throw new Error(`${variable} is required (or --root-dir to generate and keep the roots there)`);
  const path = join(dir, file);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path, generate(), { mode: 0o600 });
    console.error(`derive-keys: generated ${path}`);
  }
  return readFileSync(path, 'utf8').trim();
}

const internalRoot = rootSecret('WOS_INTERNAL_AUTH_ROOT', 'internal-auth-root', () => randomBytes(32).toString('hex'));
const encryptionRoot = rootSecret('WOS_SECRET_ENCRYPTION_ROOT', 'secret-encryption-root', () => SecretBox.generateKeys('root1'));
// Vault's root keys are a root of their own, handed to vault as is (not derived): rotating the
// secret-encryption root must never make vault data unrecoverable, and vault rotates its root keys
// by listing a new one first ("<kid>:<base64 32 bytes>[,…]").
// Without WOS_VAULT_ROOT_KEYS or --root-dir it is left out (with a warning): vault then refuses to start.
const vaultRoot =
  process.env.WOS_VAULT_ROOT_KEYS?.trim() || values['root-dir'] ? rootSecret('WOS_VAULT_ROOT_KEYS', 'vault-root-keys', () => SecretBox.generateKeys('vroot1')) : undefined;
if (!vaultRoot) console.error('derive-keys: WOS_VAULT_ROOT_KEYS is not set; vault gets no VAULT_ROOT_KEYS and will not start');
const legacy = process.env.WOS_SECRET_ENCRYPTION_LEGACY_KEYS?.trim();
if (internalRoot.length < 32) throw new Error('WOS_INTERNAL_AUTH_ROOT must be at least 32 characters');

/** The variables one app is started with. */
function keysOf(app) {
  return {
    INTERNAL_AUTH_SECRET: deriveInternalAuthKey(internalRoot, app),
    INTERNAL_AUTH_PEER_KEYS: INTERNAL_CALLS[app].map((callee) => `${callee}=${deriveInternalAuthKey(internalRoot, callee)}`).join(','),
    SECRET_ENCRYPTION_KEYS: [deriveSecretEncryptionKeys(encryptionRoot, app), ...(legacy ? [legacy] : [])].join(','),
    ...(app === 'vault' && vaultRoot ? { VAULT_ROOT_KEYS: vaultRoot } : {}),
  };
}

const apps = APP_CATALOGUE.map((a) => a.name);
const envFile = (app) => Object.entries(keysOf(app)).map(([k, v]) => `${k}='${v}'`).join('\n') + '\n';

if (values['out-dir']) {
  for (const app of apps) {
    const dir = join(values['out-dir'], app);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'keys.env'), envFile(app), { mode: 0o600 });
    chmodSync(join(dir, 'keys.env'), 0o600);
  }
  console.error(`derive-keys: wrote ${apps.length} key files under ${values['out-dir']}`);
} else if (values.format === 'k8s') {
  // Two Secrets, one key per app; the chart hands each pod only its own entry (and its callees').
  const secret = (name, pick) => {
    const lines = apps.map((app) => `  ${app}: ${Buffer.from(pick(keysOf(app))).toString('base64')}`);
    const ns = values.namespace ? `\n  namespace: ${values.namespace}` : '';
    return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}${ns}\ntype: Opaque\ndata:\n${lines.join('\n')}\n`;
  };
  const ns = values.namespace ? `\n  namespace: ${values.namespace}` : '';
  const vaultSecret = !vaultRoot ? '' : `---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: wos-vault-root${ns}\ntype: Opaque\ndata:\n  vault: ${Buffer.from(vaultRoot).toString('base64')}\n`;
  process.stdout.write(`${secret('wos-internal-auth', (k) => k.INTERNAL_AUTH_SECRET)}---\n${secret('wos-secret-encryption', (k) => k.SECRET_ENCRYPTION_KEYS)}${vaultSecret}`);
} else if (values.format === 'env') {
  for (const app of apps) process.stdout.write(`# ${app}\n${envFile(app)}\n`);
} else {
  throw new Error(`unknown --format ${values.format} (env or k8s)`);
}
