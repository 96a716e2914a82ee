import type { CompiledAlias } from '../routing/aliases';

type Operation = { summary?: string; parameters?: { name: string; in: string }[]; [k: string]: unknown };
type Paths = Record<string, Record<string, Operation>>;

const toTemplate = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * The OpenAPI entries of the aliases: each alias path gets a copy of its canonical operation,
 * marked `deprecated` and naming the canonical route. A prefix alias (`/feature_flags/*`) gets
 * one entry per canonical path below its target, so it appears once that product's service does.
 */
export function aliasPaths(paths: Paths, aliases: CompiledAlias[]): Paths {
  const out: Paths = {};
  for (const a of aliases) {
    if (!a.to) continue;
    const [to = '', toQuery = ''] = a.to.split('?');
    const methods = a.method === '*' ? METHODS : [a.method.toLowerCase()];
    if (a.path.endsWith('/*')) {
      const target = to.slice(0, -2);
      for (const [path, ops] of Object.entries(paths)) {
        if (path !== target && !path.startsWith(`${target}/`)) continue;
        for (const m of methods) if (ops[m]) add(out, a.literal + path.slice(target.length), m, ops[m]!, `${m.toUpperCase()} ${path}`, []);
      }
      continue;
    }
    const fixed = [...new URLSearchParams(toQuery).keys()];
    for (const m of methods) {
      const op = paths[toTemplate(to)]?.[m];
      if (op) add(out, toTemplate(a.path), m, op, `${m.toUpperCase()} ${toTemplate(a.to)}`, fixed, a.params);
    }
  }
  return out;
}

function add(out: Paths, path: string, method: string, op: Operation, canonical: string, fixedQuery: string[], pathParams: string[] = []) {
  const parameters = [
    ...pathParams.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(op.parameters ?? []).filter((p) => !(p.in === 'query' && fixedQuery.includes(p.name))),
  ];
  out[path] ??= {};
  out[path][method] = { ...op, summary: `${op.summary ?? ''} (alias of ${canonical})`.trim(), description: `Deprecated spelling of ${canonical}; served exactly like it.`, deprecated: true, parameters };
}
