#!/usr/bin/env node
// Cuts the Kubernetes OpenAPI v2 document (api/openapi-spec/swagger.json of a Kubernetes release)
// down to the kinds a Helm chart here may render and every definition they reference, without
// descriptions, so it can be committed as test data (kubernetes-<version>.json, read by
// test/deploy/k8s-schema.ts). Definitions are copied as they are; nothing is edited by hand.
//
//   node test/deploy/schemas/extract-kubernetes.mjs <swagger.json> <version> "<source>" > kubernetes-<version>.json
import { readFileSync } from 'node:fs';

const [file, version, source] = process.argv.slice(2);
if (!file || !version || !source) {
  console.error('usage: extract-kubernetes.mjs <swagger.json> <kubernetes version> "<where the file came from>"');
  process.exit(2);
}
// Kinds a chart of this repo renders or may render (group/version/kind).
const KINDS = [
  ['', 'v1', 'Service'], ['', 'v1', 'ConfigMap'], ['', 'v1', 'Secret'], ['', 'v1', 'ServiceAccount'],
  ['apps', 'v1', 'Deployment'], ['batch', 'v1', 'Job'], ['autoscaling', 'v2', 'HorizontalPodAutoscaler'],
  ['policy', 'v1', 'PodDisruptionBudget'], ['networking.k8s.io', 'v1', 'NetworkPolicy'], ['networking.k8s.io', 'v1', 'Ingress'],
];
const spec = JSON.parse(readFileSync(file, 'utf8'));
const all = spec.definitions;
const kinds = {};
for (const [group, ver, kind] of KINDS) {
  const name = Object.keys(all).find((n) =>
    (all[n]['x-kubernetes-group-version-kind'] ?? []).some((g) => g.group === group && g.version === ver && g.kind === kind));
  if (!name) throw new Error(`${group || 'core'}/${ver} ${kind} is not in ${file}`);
  kinds[`${group ? `${group}/` : ''}${ver}/${kind}`] = name;
}
const strip = (node) => {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) if (k !== 'description') out[k] = strip(v);
  return out;
};
const definitions = {};
const visit = (name) => {
  if (definitions[name]) return;
  if (!all[name]) throw new Error(`dangling $ref ${name}`);
  definitions[name] = strip(all[name]);
  JSON.stringify(all[name], (k, v) => {
    if (k === '$ref' && typeof v === 'string') visit(v.replace('#/definitions/', ''));
    return v;
  });
};
Object.values(kinds).forEach(visit);
const sorted = Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]]));
process.stdout.write(JSON.stringify({ kubernetesVersion: version, source, kinds, definitions: sorted }, null, 1) + '\n');
