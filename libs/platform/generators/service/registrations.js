// @ts-check
/*
 * Lists a new app everywhere the platform enumerates apps. Each edit is idempotent (it checks for
 * the app first) and anchored on a structure of the edited file; an anchor that is missing throws,
 * so a file whose shape changed fails the generator loudly instead of being skipped. The deploy
 * test (test/deploy/deploy.spec.ts) and the e2e template test check the result.
 */

/** @typedef {{ name: string, snake: string, SNAKE: string, camel: string, title: string, port: number }} Names */
/** @typedef {import('nx/src/devkit-exports').Tree} Tree */

/** @param {Tree} tree @param {string} path @param {(text: string) => string} edit */
function update(tree, path, edit) {
  const before = tree.read(path, 'utf-8');
  if (before === null) throw new Error(`${path} is missing`);
  const after = edit(before);
  if (after !== before) tree.write(path, after);
}

/** Inserts `text` before the first match of `anchor` at or after `from`. @param {string} source @param {RegExp} anchor @param {string} text */
function insertBefore(source, anchor, text, from = 0, path = '') {
  const i = source.slice(from).search(anchor);
  if (i < 0) throw new Error(`generator: no ${anchor} in ${path}; update libs/platform/generators/service/registrations.js`);
  return source.slice(0, from + i) + text + source.slice(from + i);
}

/** Index just after the first match of `re` at or after `from`, or throws. @param {string} source @param {RegExp} re @param {string} path */
function after(source, re, path, from = 0) {
  const m = re.exec(source.slice(from));
  if (!m) throw new Error(`generator: no ${re} in ${path}`);
  return from + m.index + m[0].length;
}

/** @param {Tree} tree @param {string} app */
function nextFreePort(tree, app) {
  const catalogue = tree.read('libs/platform/src/stack/catalogue.ts', 'utf-8') ?? '';
  const own = new RegExp(`name: '${app}', port: (\\d+)`).exec(catalogue);
  if (own) return Number(own[1]);
  const ports = [...catalogue.matchAll(/port: (\d+) \}/g)].map((m) => Number(m[1])).filter((p) => p < 8000);
  return Math.max(3000, ...ports) + 1;
}

/** @param {Tree} tree @param {Names} n */
function registerCatalogue(tree, n) {
  const path = 'libs/platform/src/stack/catalogue.ts';
  update(tree, path, (s) => {
    if (s.includes(`name: '${n.name}'`)) return s;
    s = insertBefore(s, /\] as const;/, `  { name: '${n.name}', port: ${n.port} },\n`, after(s, /APP_CATALOGUE = \[/, path), path);
    return insertBefore(s, /\n\};/, `\n  ${quoteKey(n.name)}: [],`, after(s, /INTERNAL_CALLS[^{]*\{/, path), path);
  });
}

/** @param {string} key */
function quoteKey(key) {
  return /^[a-z][a-zA-Z0-9]*$/.test(key) ? key : `'${key}'`;
}

/** @param {Tree} tree @param {Names} n */
function registerContracts(tree, n) {
  const topics = 'libs/contracts/src/events/topics.ts';
  update(tree, topics, (s) => (s.includes(`'${n.name}.events.v1'`) ? s : insertBefore(s, /\} as const;/, `  ${n.camel}: '${n.name}.events.v1',\n`, 0, topics)));
  const group = `libs/contracts/src/events/${n.name}.ts`;
  if (!tree.exists(group)) {
    tree.write(
      group,
      [
        "import { templateSampleEventSchemas } from './template-sample';",
        '',
        `/** The events ${n.name} publishes on Topic.${n.camel}. The template's sample until the service's domain replaces it. */`,
        `export const ${n.camel}EventSchemas = {`,
        `  ...templateSampleEventSchemas('${n.snake}'),`,
        '} as const;',
        '',
      ].join('\n'),
    );
  }
  const registry = 'libs/contracts/src/events/registry.ts';
  update(tree, registry, (s) => {
    if (s.includes(`${n.camel}EventSchemas`)) return s;
    s = insertBefore(s, /\n\/\*\*/, `import { ${n.camel}EventSchemas } from './${n.name}';\n`, 0, registry);
    s = insertBefore(s, /\} as const;/, `  ...${n.camel}EventSchemas,\n`, after(s, /eventSchemas = \{/, registry), registry);
    return insertBefore(s, /\];/, `  [Topic.${n.camel}, ${n.camel}EventSchemas],\n`, after(s, /PUBLISHED_ON[^=]*= \[/, registry), registry);
  });
  const index = 'libs/contracts/src/events/index.ts';
  update(tree, index, (s) => (s.includes(`'./${n.name}'`) ? s : insertBefore(s, /export \* from '\.\/registry';/, `export * from './${n.name}';\n`, 0, index)));
}

/** @param {Tree} tree @param {Names} n */
function registerGateway(tree, n) {
  const table = 'apps/api-gateway/src/routing/route.table.ts';
  update(tree, table, (s) => {
    if (!s.includes(`'${n.SNAKE}_URL'`)) s = insertBefore(s, /\} as const satisfies/, `  ${quoteKey(n.name)}: '${n.SNAKE}_URL',\n`, 0, table);
    // A service that already has routes (its sample's, or its domain's once it replaced the sample) keeps them.
    if (s.includes(`upstream: '${n.name}'`)) return s;
    const route = `  // The service template's sample in ${n.name}, until its domain replaces it.\n  { prefix: '/${n.snake}/template_samples', upstream: '${n.name}', auth: 'api_key' },\n`;
    return insertBefore(s, /\n\];/, `\n${route.trimEnd()}`, after(s, /ROUTES: readonly RouteEntry\[\] = \[/, table), table);
  });
  const config = 'apps/api-gateway/src/config.ts';
  update(tree, config, (s) => {
    if (s.includes(`${n.SNAKE}_URL:`)) return s;
    const lastUpstream = [...s.matchAll(/\n {4}[A-Z_]+_URL: upstream\(\d+\),/g)].at(-1);
    if (!lastUpstream || lastUpstream.index === undefined) throw new Error(`generator: no upstream(...) entries in ${config}`);
    const at = lastUpstream.index + lastUpstream[0].length;
    return `${s.slice(0, at)}\n    ${n.SNAKE}_URL: upstream(${n.port}),${s.slice(at)}`;
  });
}

/** @param {Tree} tree @param {Names} n */
function registerCompose(tree, n) {
  const path = 'docker-compose.yml';
  update(tree, path, (s) => {
    if (s.includes(`args: { APP: ${n.name} }`)) return s;
    const service = [
      `  ${n.name}:`,
      '    <<: *app',
      `    build: { context: ., dockerfile: deploy/Dockerfile, args: { APP: ${n.name} } }`,
      '    volumes:',
      "      # Only this service's keys (Compose 2.26+ for subpath).",
      `      - { type: volume, source: wos-keys, target: /run/wos-keys, read_only: true, volume: { subpath: ${n.name} } }`,
      '    environment:',
      '      <<: *env',
      `      PORT: "${n.port}"`,
      `      DATABASE_URL: postgresql://wos:wos@postgres:5432/wos_${n.snake}`,
      '',
      '',
    ].join('\n');
    s = insertBefore(s, /^ {2}api-gateway:$/m, service, 0, path);
    const gateway = after(s, /^ {2}api-gateway:$/m, path);
    s = insertBefore(s, /\n {4}depends_on:/, `\n      ${n.SNAKE}_URL: http://${n.name}:${n.port}`, gateway, path);
    return insertBefore(s, /\n\nvolumes:/, `\n      ${n.name}: { condition: service_healthy }`, gateway, path);
  });
}

/** @param {Tree} tree @param {Names} n */
function registerHelm(tree, n) {
  const values = 'helm/wos-platform/values.yaml';
  update(tree, values, (s) => {
    if (new RegExp(`^${n.name}:$`, 'm').test(s)) return s;
    const gateway = after(s, /^api-gateway:$/m, values);
    s = insertBefore(s, /\]/, `, ${n.name}`, after(s, /calls: \[/, values, gateway), values);
    s = insertBefore(s, /\n\n/, `\n    ${n.SNAKE}_URL: "http://{{ .Release.Name }}-${n.name}:${n.port}"`, after(s, /^ {2}env:$/m, values, gateway), values);
    const block = [
      '',
      `${n.name}:`,
      '  enabled: true',
      `  app: ${n.name}`,
      '  internalAuth:',
      '    calls: []',
      '  # Set enabled: true to admit only these callers (add your Prometheus under extraIngress).',
      '  networkPolicy:',
      '    enabled: false',
      '    allowFrom: [api-gateway]',
      `  port: ${n.port}`,
      '',
    ].join('\n');
    return s.replace(/\n*$/, '\n') + block;
  });
  const chart = 'helm/wos-platform/Chart.yaml';
  update(tree, chart, (s) => {
    if (s.includes(`alias: ${n.name}\n`)) return s;
    const dep = ['  - name: service', `    alias: ${n.name}`, '    version: 0.1.0', '    repository: file://../charts/service', `    condition: ${n.name}.enabled`, ''].join('\n');
    return s.replace(/\n*$/, '\n') + dep;
  });
}

/** @param {Tree} tree @param {Names} n */
function registerBuild(tree, n) {
  update(tree, 'tsconfig.json', (s) => {
    /** @type {{ references: { path: string }[] }} */
    const json = JSON.parse(s);
    if (json.references.some((r) => r.path === `apps/${n.name}`)) return s;
    const at = json.references.findIndex((r) => r.path === 'test');
    json.references.splice(at < 0 ? json.references.length : at, 0, { path: `apps/${n.name}` });
    return `{\n  "files": [],\n  "references": [\n${json.references.map((r) => `    { "path": "${r.path}" }`).join(',\n')}\n  ]\n}\n`;
  });
}

/** .env.example documents every variable (CONVENTIONS.md habit 11). @param {Tree} tree @param {Names} n */
function registerEnvExample(tree, n) {
  update(tree, '.env.example', (s) => {
    if (s.includes(`${n.SNAKE}_KAFKA_GROUP_ID=`)) return s;
    const block = [
      '',
      `# ${n.name} (generated from the service template; PORT defaults to ${n.port})`,
      "# Consumer group for organization events; unset: derived from the database name.",
      `# ${n.SNAKE}_KAFKA_GROUP_ID=${n.name}`,
      '',
    ].join('\n');
    return s.replace(/\n*$/, '\n') + block;
  });
}

/** @param {Tree} tree @param {Names} n */
function register(tree, n) {
  registerCatalogue(tree, n);
  registerContracts(tree, n);
  registerGateway(tree, n);
  registerCompose(tree, n);
  registerHelm(tree, n);
  registerBuild(tree, n);
  registerEnvExample(tree, n);
}

module.exports = { register, nextFreePort };
