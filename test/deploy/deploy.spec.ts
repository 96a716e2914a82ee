import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SERVICE_NODE_OPTIONS } from '@wos/platform/stack';

// Keeps the deploy manifests in step with apps/: every app must be built by compose and
// deployed by the umbrella chart, on the same port, and nothing may name a missing app.

type YamlMap = Record<string, unknown>;

function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
      if (isMap(pkg) && 'workspaces' in pkg) return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`no package.json with "workspaces" in ${start} or any parent`);
    }
  }
}

const root = findRepoRoot(__dirname);

function listApps(): string[] {
  const appsDir = path.join(root, 'apps');
  const apps = existsSync(appsDir)
    ? readdirSync(appsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
        .map((entry) => entry.name)
        .sort()
    : [];
  assert.ok(apps.length > 0, `no apps found: ${appsDir} is missing or has no app directories`);
  return apps;
}

function readYaml(relativePath: string): YamlMap {
  const file = path.join(root, relativePath);
  assert.ok(existsSync(file), `${relativePath} is missing`);
  // Compose relies on `<<` merge keys for its shared env; they are off by default in yaml 2.
  const doc: unknown = parse(readFileSync(file, 'utf8'), { merge: true });
  assert.ok(isMap(doc), `${relativePath} is not a YAML mapping`);
  return doc;
}

/** Compose allows both `KEY: value` maps and `KEY=value` lists for args and environment. */
function lookup(entries: unknown, key: string): string | undefined {
  if (isMap(entries)) {
    const value = entries[key];
    return value === undefined || value === null ? undefined : String(value);
  }
  if (Array.isArray(entries)) {
    for (const entry of entries) {
      const [name, ...rest] = String(entry).split('=');
      if (name === key && rest.length > 0) return rest.join('=');
    }
  }
  return undefined;
}

function composeServices(): YamlMap {
  const services = readYaml('docker-compose.yml').services;
  assert.ok(isMap(services), 'docker-compose.yml has no services mapping');
  return services;
}

function helmApps(): Map<string, YamlMap> {
  const values = readYaml('helm/wos-platform/values.yaml');
  const apps = new Map<string, YamlMap>();
  for (const [key, entry] of Object.entries(values)) {
    if (isMap(entry) && 'app' in entry) apps.set(key, entry);
  }
  return apps;
}

function chartAliases(): Map<string, YamlMap> {
  const deps = readYaml('helm/wos-platform/Chart.yaml').dependencies;
  assert.ok(Array.isArray(deps), 'helm/wos-platform/Chart.yaml has no dependencies list');
  const aliases = new Map<string, YamlMap>();
  for (const dep of deps) {
    if (isMap(dep) && typeof dep.alias === 'string') aliases.set(dep.alias, dep);
  }
  return aliases;
}

function composePort(services: YamlMap, app: string): number {
  const service = services[app];
  assert.ok(isMap(service), `docker-compose.yml has no service "${app}"`);
  const port = Number(lookup(service.environment, 'PORT'));
  assert.ok(Number.isInteger(port) && port > 0, `compose service "${app}" sets no valid PORT`);
  return port;
}

test('every app has a package.json', () => {
  for (const app of listApps()) {
    assert.ok(existsSync(path.join(root, 'apps', app, 'package.json')), `apps/${app}/package.json is missing`);
  }
});

test('docker-compose.yml builds every app from deploy/Dockerfile with APP=<app>', () => {
  const services = composeServices();
  for (const app of listApps()) {
    const service = services[app];
    assert.ok(isMap(service), `docker-compose.yml has no service "${app}"`);
    const build = service.build;
    assert.ok(isMap(build), `compose service "${app}" has no build mapping`);
    assert.equal(build.dockerfile, 'deploy/Dockerfile', `compose service "${app}" dockerfile`);
    assert.equal(lookup(build.args, 'APP'), app, `compose service "${app}" build arg APP`);
  }
});

test('the umbrella chart deploys every app under its own name', () => {
  const values = helmApps();
  const aliases = chartAliases();
  for (const app of listApps()) {
    assert.equal(values.get(app)?.app, app, `helm/wos-platform/values.yaml entry "${app}" must set app: ${app}`);
    const dep = aliases.get(app);
    assert.ok(dep, `helm/wos-platform/Chart.yaml has no dependency with alias "${app}"`);
    assert.equal(dep.name, 'service', `dependency "${app}" must use the generic service chart`);
    assert.equal(dep.repository, 'file://../charts/service', `dependency "${app}" repository`);
  }
});

test('compose and helm give each app the same port', () => {
  const services = composeServices();
  const values = helmApps();
  for (const app of listApps()) {
    const helmPort = values.get(app)?.port;
    assert.equal(typeof helmPort, 'number', `helm/wos-platform/values.yaml entry "${app}" has no numeric port`);
    assert.equal(helmPort, composePort(services, app), `port of "${app}" differs between compose and helm`);
  }
});

test('no deploy manifest names an app missing from apps/', () => {
  const apps = new Set(listApps());
  for (const [name, service] of Object.entries(composeServices())) {
    const built = isMap(service) && isMap(service.build) ? lookup(service.build.args, 'APP') : undefined;
    if (built !== undefined) assert.ok(apps.has(built), `compose service "${name}" builds unknown app "${built}"`);
  }
  for (const [key, entry] of helmApps()) {
    assert.ok(apps.has(key), `helm values entry "${key}" names no app in apps/`);
    assert.equal(entry.app, key, `helm values entry "${key}" must set app: ${key}`);
  }
  for (const alias of chartAliases().keys()) {
    assert.ok(apps.has(alias), `Chart.yaml alias "${alias}" names no app in apps/`);
  }
});

test('every app gets only its own keys: helm calls match INTERNAL_CALLS and compose mounts each app\'s own key directory (M10, L14)', async () => {
  const { INTERNAL_CALLS } = await import('@wos/platform/stack');
  const values = helmApps();
  const services = composeServices();
  for (const app of listApps()) {
    const calls = (values.get(app)?.internalAuth as YamlMap | undefined)?.calls;
    assert.deepEqual([...((calls as string[]) ?? [])].sort(), [...INTERNAL_CALLS[app as keyof typeof INTERNAL_CALLS]].sort(), `helm internalAuth.calls of "${app}"`);
    const service = services[app] as YamlMap;
    const mounts = (service.volumes ?? []) as YamlMap[];
    assert.deepEqual(
      mounts.filter((m) => isMap(m) && m.source === 'wos-keys').map((m) => [m.target, m.read_only, (m.volume as YamlMap)?.subpath]),
      [['/run/wos-keys', true, app]],
      `compose service "${app}" must mount only wos-keys/${app}, read-only`,
    );
    const env = (service.environment ?? {}) as YamlMap;
    assert.equal(env.INTERNAL_AUTH_SECRET, undefined, `compose service "${app}" must not carry a published INTERNAL_AUTH_SECRET`);
    assert.equal(env.SECRET_ENCRYPTION_KEYS, undefined, `compose service "${app}" must not carry a published SECRET_ENCRYPTION_KEYS`);
  }
  const deployment = readFileSync(path.join(root, 'helm/charts/service/templates/deployment.yaml'), 'utf8');
  assert.match(deployment, /key: \{\{ \.Values\.app \}\}/, 'the chart reads each app\'s own Secret entry');
});

test('every runtime starts node with --disable-proto=delete and the Stack runner\'s node options (Dockerfile, compose, helm)', () => {
  const dockerfile = readFileSync(path.join(root, 'deploy/Dockerfile'), 'utf8');
  assert.match(dockerfile, /exec node --disable-proto=delete "apps\/\$APP\/dist\/src\/main\.js"/);
  assert.ok(dockerfile.includes(`ENV NODE_OPTIONS="${SERVICE_NODE_OPTIONS}"`), 'the image sets the default node options');
  for (const app of listApps()) assert.equal(lookup((composeServices()[app] as YamlMap).environment, 'NODE_OPTIONS'), `--disable-proto=delete ${SERVICE_NODE_OPTIONS}`, app);
  assert.match(readFileSync(path.join(root, 'helm/charts/service/templates/deployment.yaml'), 'utf8'), /NODE_OPTIONS[\s\S]{0,40}--disable-proto=delete \{\{ \.Values\.nodeOptions \}\}/);
  assert.equal((parse(readFileSync(path.join(root, 'helm/charts/service/values.yaml'), 'utf8')) as YamlMap).nodeOptions, SERVICE_NODE_OPTIONS);
});

test("compose gives identity's argon2 hashes the libuv pool Helm gives it (uvThreadpoolSize); the other services keep libuv's default", () => {
  const helmSize = String(((parse(readFileSync(path.join(root, 'helm/wos-platform/values.yaml'), 'utf8')) as YamlMap).identity as YamlMap).uvThreadpoolSize);
  for (const app of listApps()) {
    const size = lookup((composeServices()[app] as YamlMap).environment, 'UV_THREADPOOL_SIZE');
    assert.equal(size, app === 'identity' ? `\${IDENTITY_UV_THREADPOOL_SIZE:-${helmSize}}` : undefined, app);
  }
});
