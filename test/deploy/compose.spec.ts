import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json';
import { parse } from 'yaml';
import { configProblem, derivedKeys, imageEnv, requiredVariables } from './app-env';

// docker-compose.yml against the Compose Specification's JSON schema (committed: schemas/README.md),
// and each app service's environment against that app's own zod config, as the container gets it:
// the image's ENV, compose's `environment` (host variables unset, so `${X:-default}` gives the
// default), and the keys.env that the `keys` one-shot writes for it (tools/derive-keys.mjs).

const root = path.resolve(__dirname, '../../..');
const apps = readdirSync(path.join(root, 'apps'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const composeText = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, { environment?: Record<string, unknown> | string[] }> };

function composeValidator() {
  const schema = JSON.parse(readFileSync(path.join(root, 'test/deploy/schemas/compose-spec.json'), 'utf8'));
  // Compose's formats (duration, ports…) are annotations to a JSON schema validator.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  // The schema names draft-07 by its https URL; Ajv ships the same meta-schema under http.
  ajv.addMetaSchema({ ...draft07, $id: 'https://json-schema.org/draft-07/schema' });
  return ajv.compile(schema);
}

/** Compose interpolation with no host variables set: ${X:-d} and ${X-d} give d, ${X} gives "", $$ is $. */
function interpolate(value: string): string {
  return value
    .replace(/\$\$/g, '\u0000')
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (_, _name: string, fallback?: string) => fallback ?? '')
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, '')
    .replace(/\u0000/g, '$');
}

function serviceEnv(app: string): Record<string, string> {
  const environment = compose.services[app]?.environment ?? {};
  const entries: [string, unknown][] = Array.isArray(environment)
    ? environment.map((e) => { const [k, ...v] = e.split('='); return [k, v.length ? v.join('=') : null]; })
    : Object.entries(environment);
  const env: Record<string, string> = {};
  // A key without a value passes the host's variable through only when it is set there: unset here.
  for (const [name, value] of entries) if (value !== null && value !== undefined) env[name] = interpolate(String(value));
  return env;
}

test('docker-compose.yml is valid against the Compose Specification schema', () => {
  const validate = composeValidator();
  assert.equal(validate(compose), true, JSON.stringify(validate.errors, null, 1));
});

test('the Compose schema check rejects what compose would: an unknown service key, a wrong type', () => {
  const validate = composeValidator();
  const misspelt = structuredClone(compose);
  (misspelt.services.sso as Record<string, unknown>).enviroment = { A: 'b' };
  assert.equal(validate(misspelt), false);
  assert.match(JSON.stringify(validate.errors), /enviroment/);
  const wrongType = structuredClone(compose);
  (wrongType.services.sso as Record<string, unknown>).restart = ['always'];
  assert.equal(validate(wrongType), false);
});

test('every app service sets each variable its config requires, and its loadAppConfig accepts the environment', () => {
  const keys = derivedKeys(root);
  for (const app of apps) {
    assert.ok(compose.services[app], `docker-compose.yml has no service ${app}`);
    const env = { ...imageEnv(root, app), ...serviceEnv(app), ...keys.get(app) };
    const missing = requiredVariables(root, app).filter((name) => env[name] === undefined);
    assert.deepEqual(missing, [], `compose service ${app} lacks required variables`);
    assert.equal(configProblem(root, app, env), '', `compose service ${app} would refuse to start`);
  }
});

test('the required-variable check sees a missing one: DATABASE_URL removed from a service', () => {
  const keys = derivedKeys(root);
  const env = { ...imageEnv(root, 'sso'), ...serviceEnv('sso'), ...keys.get('sso') };
  delete env.DATABASE_URL;
  assert.ok(requiredVariables(root, 'sso').includes('DATABASE_URL'));
  assert.match(configProblem(root, 'sso', env), /DATABASE_URL/);
});
