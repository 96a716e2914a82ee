import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';

// Validates rendered Kubernetes objects against the API's own OpenAPI definitions for one release
// (schemas/kubernetes-<version>.json, cut from Kubernetes' swagger.json: schemas/README.md).
// The definitions become strict JSON schemas as kubeconform's `openapi2jsonschema --strict` makes
// them: an object with declared properties rejects unknown fields (a misspelt `readinesProbe`
// fails), IntOrString is a string or an integer, Quantity a string or a number.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface SchemaFile {
  kubernetesVersion: string;
  source: string;
  kinds: Record<string, string>;
  definitions: Record<string, { [key: string]: Json }>;
}

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

function strict(node: Json): Json {
  if (Array.isArray(node)) return node.map(strict);
  if (node === null || typeof node !== 'object') return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-')) continue;
    out[key] = key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).map(([name, prop]) => [name, strict(prop)]))
      : strict(value);
  }
  if (out.properties !== undefined && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

export interface KubernetesSchemas {
  version: string;
  source: string;
  /** Problems with one object ("" when it is valid): unknown apiVersion/kind, or schema errors. */
  check(object: unknown): string;
}

export function loadKubernetesSchemas(schemaDir: string, version: string): KubernetesSchemas {
  const file: SchemaFile = JSON.parse(readFileSync(path.join(schemaDir, `kubernetes-${version}.json`), 'utf8'));
  const definitions: Record<string, Json> = {};
  for (const [name, def] of Object.entries(file.definitions)) definitions[name] = strict(def);
  definitions[INT_OR_STRING] = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  definitions[QUANTITY] = { oneOf: [{ type: 'string' }, { type: 'number' }] };
  // OpenAPI formats (int32, int-or-string, date-time…) are annotations here, as in kubeconform.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'k8s', definitions } as never);
  const validators = new Map<string, ValidateFunction>();
  for (const [kind, name] of Object.entries(file.kinds)) validators.set(kind, ajv.compile({ $ref: `k8s#/definitions/${name}` }));
  return {
    version: file.kubernetesVersion,
    source: file.source,
    check(object) {
      const o = object as { apiVersion?: unknown; kind?: unknown };
      const key = `${String(o?.apiVersion)}/${String(o?.kind)}`;
      const validate = validators.get(key);
      if (!validate) return `${key} is not a kind of Kubernetes ${file.kubernetesVersion} known to these schemas (${[...validators.keys()].join(', ')})`;
      if (validate(object)) return '';
      return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`).join('; ');
    },
  };
}
