// What the gateway serves: the OpenAPI document it publishes at /openapi.json, built offline by
// the gateway's own OpenApiService from each routed service's OpenAPI builder (compiled dist),
// and its route table. An operation is served when a route sends its path to a service and the
// document lists its method and path.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export async function servedOperations(root) {
  const require = createRequire(join(root, 'package.json'));
  const gateway = (p) => {
    const file = join(root, 'apps', 'api-gateway', 'dist', 'src', p);
    if (!existsSync(file)) throw new Error(`${file} is missing: build first (npx tsc -b tsconfig.json)`);
    return require(file);
  };
  const { OpenApiService } = gateway('openapi/openapi.service.js');
  const { createRouteMatcher } = gateway('routing/route.table.js');
  const proxy = { forward: async (upstream) => serviceDocument(root, require, upstream) };
  const quiet = { warn() {}, info() {}, error() {}, debug() {} };
  const doc = await new OpenApiService(proxy, quiet).document();
  const missing = doc['x-missing-services'] ?? [];
  if (missing.length) throw new Error(`no OpenAPI builder found for ${missing.join(', ')} (apps/<service>/dist/src/openapi.js)`);
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), segments: path.split('/') })));
  const routes = createRouteMatcher();
  return {
    /** 'served', or why not. */
    status(method, path) {
      if (!routes.match(path.replace(/\{[^}]+\}/g, 'x'))) return 'no route';
      const segments = path.split('/');
      const found = operations.some((o) => o.method === method && o.segments.length === segments.length && o.segments.every((s, i) => (isParam(s) ? isParam(segments[i]) : s === segments[i])));
      return found ? 'served' : 'not implemented';
    },
  };
}

const isParam = (segment) => /^\{.+\}$/.test(segment);

/** The answer `GET /openapi.json` of this upstream would give: its compiled `*OpenApi()` builder's document. */
function serviceDocument(root, require, upstream) {
  const file = join(root, 'apps', upstream, 'dist', 'src', 'openapi.js');
  if (!existsSync(file)) return { status: 404, headers: {}, body: Buffer.from('{}') };
  const builder = Object.entries(require(file)).find(([name, v]) => name.endsWith('OpenApi') && typeof v === 'function');
  if (!builder) return { status: 404, headers: {}, body: Buffer.from('{}') };
  return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(builder[1]())) };
}
