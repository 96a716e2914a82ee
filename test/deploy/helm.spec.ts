import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { INTERNAL_CALLS } from '@wos/platform/stack';
import { configProblem, derivedKeys, imageEnv, requiredVariables } from './app-env';
import { renderChart, type HelmRender, type KubeObject } from './helm-render';
import { loadKubernetesSchemas } from './k8s-schema';

// helm/wos-platform rendered by the real Helm engine (helm-java, Helm's Go library) for the three
// committed value sets in helm/wos-platform/ci, every object validated against Kubernetes 1.29 and
// 1.35 OpenAPI schemas, the production set checked for what a production install needs, and every
// app's rendered environment checked against the app's own zod config. Nothing is applied to a
// cluster (deploy/README.md).

const root = path.resolve(__dirname, '../../..');
const ciDir = path.join(root, 'helm/wos-platform/ci');
const schemaDir = path.join(root, 'test/deploy/schemas');
const RELEASE = 'wos';
const SETS = ['minimal', 'production', 'external'] as const;
const apps = readdirSync(path.join(root, 'apps'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

type Container = {
  name: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  resources?: { requests?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
  command?: string[];
};
type PodSpec = {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: { name: string; emptyDir?: unknown }[];
};
type Peer = { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: unknown; ipBlock?: { cidr: string; except?: string[] } };
type Rule = { from?: Peer[]; to?: Peer[]; ports?: { port: number | string; protocol?: string }[] };

let render: HelmRender;
let scratch: string;

before(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'wos-helm-values-'));
  // Proves the engine executes the chart: a set without the image registry must be refused by `required`.
  writeFileSync(path.join(scratch, 'broken.yaml'), 'global:\n  image:\n    registry: ""\n');
  render = renderChart(
    root,
    { ...Object.fromEntries(SETS.map((s) => [s, path.join(ciDir, `${s}-values.yaml`)])), broken: path.join(scratch, 'broken.yaml') },
    { kubeVersion: '1.29.0' },
  );
});
after(() => rmSync(scratch, { recursive: true, force: true }));

function objects(set: string): KubeObject[] {
  const result = render.sets.get(set);
  assert.ok(result, `value set ${set} was not rendered`);
  assert.ok(!('error' in result), `helm template refused value set ${set}: ${'error' in result ? result.error : ''}`);
  return result.objects;
}
const ofKind = (set: string, kind: string) => objects(set).filter((o) => o.kind === kind);
const appOf = (o: KubeObject) => o.metadata.labels?.['app.kubernetes.io/name'] ?? '';
const podSpec = (o: KubeObject) => (o.spec as { template: { spec: PodSpec } }).template.spec;
const valuesOf = (set: string) => parse(require('node:fs').readFileSync(path.join(ciDir, `${set}-values.yaml`), 'utf8'), { merge: true });

describe('the Helm engine', () => {
  test('is Helm 3 and lints the umbrella chart clean', () => {
    assert.match(render.helmVersion, /^v3\.\d+\.\d+/);
    assert.equal(render.lint.failed, false, render.lint.messages.join('\n'));
    assert.deepEqual(render.lint.messages.filter((m) => /\[(ERROR|WARNING)\]/.test(m)), []);
  });

  test('executes the templates: a value set without an image registry is refused by `required`', () => {
    const broken = render.sets.get('broken');
    assert.ok(broken && 'error' in broken, 'the broken set rendered');
    assert.match(broken.error, /global\.image\.registry (or image\.repository )?is required/);
  });

  for (const set of SETS) {
    test(`${set}: renders every app's Deployment and Service and the migrate Job`, () => {
      assert.deepEqual(ofKind(set, 'Deployment').map(appOf).sort(), apps);
      assert.deepEqual(ofKind(set, 'Service').map(appOf).sort(), apps);
      assert.deepEqual(ofKind(set, 'Job').map((j) => j.metadata.name), [`${RELEASE}-migrate`]);
    });
  }
});

describe('Kubernetes OpenAPI schemas', () => {
  for (const version of ['1.29', '1.35']) {
    test(`every rendered object of every value set is valid for Kubernetes ${version} (strict: no unknown fields)`, () => {
      const schemas = loadKubernetesSchemas(schemaDir, version);
      let checked = 0;
      for (const set of SETS) {
        for (const object of objects(set)) {
          assert.equal(schemas.check(object), '', `${set}: ${object.kind} ${object.metadata?.name}`);
          checked++;
        }
      }
      assert.ok(checked >= 3 * 29, `only ${checked} objects checked`);
    });
  }

  test('the validator rejects what a cluster would: a misspelt field, a wrong type, a removed apiVersion', () => {
    const schemas = loadKubernetesSchemas(schemaDir, '1.29');
    const deployment = ofKind('production', 'Deployment')[0];
    const misspelt = structuredClone(deployment);
    const container = podSpec(misspelt).containers[0] as Record<string, unknown>;
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;
    assert.match(schemas.check(misspelt), /readinesProbe/);
    const wrongType = structuredClone(deployment);
    (wrongType.spec as Record<string, unknown>).revisionHistoryLimit = 'five';
    assert.match(schemas.check(wrongType), /revisionHistoryLimit/);
    const pdb = structuredClone(ofKind('production', 'PodDisruptionBudget')[0]);
    pdb.apiVersion = 'policy/v1beta1';
    assert.match(schemas.check(pdb), /not a kind/);
  });
});

describe('the production value set', () => {
  test('migrates with a pre-install and pre-upgrade hook Job that runs before the apps roll out', () => {
    const [job] = ofKind('production', 'Job');
    const annotations = job.metadata.annotations ?? {};
    assert.deepEqual(annotations['helm.sh/hook']?.split(',').sort(), ['pre-install', 'pre-upgrade']);
    assert.ok(Number(annotations['helm.sh/hook-weight']) < 0, 'hook weight');
    assert.match(annotations['helm.sh/hook-delete-policy'] ?? '', /before-hook-creation/);
    assert.match(podSpec(job).containers[0].command?.join(' ') ?? '', /node tools\/migrate\.mjs/);
  });

  test('every app has an HPA (at least 2 replicas) and a PodDisruptionBudget over its own pods', () => {
    const hpas = ofKind('production', 'HorizontalPodAutoscaler');
    const pdbs = ofKind('production', 'PodDisruptionBudget');
    for (const deployment of ofKind('production', 'Deployment')) {
      const app = appOf(deployment);
      const hpa = hpas.find((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === deployment.metadata.name);
      assert.ok(hpa, `${app}: no HPA`);
      assert.ok((hpa.spec as { minReplicas: number }).minReplicas >= 2, `${app}: HPA minReplicas`);
      assert.equal((deployment.spec as { replicas?: number }).replicas, undefined, `${app}: replicas must be left to the HPA`);
      const selector = (deployment.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
      const pdb = pdbs.find((p) => appOf(p) === app);
      assert.ok(pdb, `${app}: no PodDisruptionBudget`);
      assert.deepEqual((pdb.spec as { selector: { matchLabels: unknown } }).selector.matchLabels, selector, `${app}: PDB selector`);
    }
  });

  test("identity's argon2 hashes get a libuv pool set deliberately (uvThreadpoolSize); the others keep libuv's default", () => {
    for (const deployment of ofKind('production', 'Deployment')) {
      const env = podSpec(deployment).containers[0]!.env ?? [];
      const size = env.find((v: { name: string }) => v.name === 'UV_THREADPOOL_SIZE')?.value;
      assert.equal(size, appOf(deployment) === 'identity' ? '4' : undefined, `${appOf(deployment)}: UV_THREADPOOL_SIZE`);
    }
  });

  test('every container has resource requests; every app container has liveness and readiness probes', () => {
    for (const workload of [...ofKind('production', 'Deployment'), ...ofKind('production', 'Job')]) {
      for (const c of podSpec(workload).containers) {
        assert.ok(c.resources?.requests?.cpu && c.resources.requests.memory, `${workload.metadata.name}/${c.name}: cpu and memory requests`);
        if (workload.kind === 'Deployment') {
          assert.ok(c.livenessProbe, `${workload.metadata.name}: livenessProbe`);
          assert.ok(c.readinessProbe, `${workload.metadata.name}: readinessProbe`);
        }
      }
    }
  });

  test("every app's memory request covers an idle service's resident memory (140-200 MiB, docs/benchmarks.md)", () => {
    const mib = (q: string) => Number(/^(\d+)(Mi|Gi)$/.exec(q)?.[1] ?? NaN) * (q.endsWith('Gi') ? 1024 : 1);
    for (const deployment of ofKind('production', 'Deployment')) {
      const requested = mib(String(podSpec(deployment).containers[0]!.resources?.requests?.memory));
      assert.ok(requested >= 224, `${appOf(deployment)}: memory request ${requested} MiB`);
    }
  });

  test('runs non-root with a read-only root filesystem and a writable /tmp emptyDir', () => {
    for (const workload of [...ofKind('production', 'Deployment'), ...ofKind('production', 'Job')]) {
      const pod = podSpec(workload);
      assert.equal(pod.securityContext?.runAsNonRoot, true, `${workload.metadata.name}: runAsNonRoot`);
      assert.ok((pod.securityContext?.runAsUser ?? 0) > 0, `${workload.metadata.name}: runAsUser`);
      for (const c of pod.containers) {
        assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${workload.metadata.name}: readOnlyRootFilesystem`);
        assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${workload.metadata.name}: allowPrivilegeEscalation`);
        assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], `${workload.metadata.name}: capabilities`);
        const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
        assert.ok(tmp, `${workload.metadata.name}: /tmp is not mounted`);
        assert.ok(pod.volumes?.find((v) => v.name === tmp.name)?.emptyDir, `${workload.metadata.name}: /tmp is not an emptyDir`);
      }
    }
  });

  test('takes every secret from existing Secrets: no Secret objects, no inline credentials', () => {
    for (const set of SETS) assert.deepEqual(ofKind(set, 'Secret'), [], `${set} renders a Secret`);
    for (const workload of [...ofKind('production', 'Deployment'), ...ofKind('production', 'Job')]) {
      for (const c of podSpec(workload).containers) {
        const fromSecret = new Set((c.env ?? []).filter((v) => v.valueFrom?.secretKeyRef).map((v) => v.name));
        for (const variable of c.env ?? []) {
          const where = `${workload.metadata.name}: ${variable.name}`;
          if (/(SECRET|PASSWORD|TOKEN|_KEYS?|_KEY_\d+)$|^REDIS_URL$|^PGUSER$|^SMTP_USER$/.test(variable.name) && !variable.valueFrom?.secretKeyRef) {
            // Or assembled from Secret-backed variables only (INTERNAL_AUTH_PEER_KEYS: "<app>=$(WOS_PEER_KEY_0),…").
            const refs = [...(variable.value ?? '').matchAll(/\$\(([A-Za-z0-9_]+)\)/g)].map((m) => m[1]);
            assert.ok(refs.length > 0 && refs.every((r) => fromSecret.has(r)), `${where} must come from a Secret`);
            assert.doesNotMatch((variable.value ?? '').replace(/\$\([A-Za-z0-9_]+\)/g, ''), /[A-Za-z0-9+/]{16,}/, `${where} carries key material inline`);
          }
          // A URL may carry credentials only as $(VAR) references to Secret-backed variables.
          assert.doesNotMatch(variable.value ?? '', /:\/\/(?!\$\()[^/@\s]*:[^/@\s]*@/, `${where} carries credentials inline`);
        }
      }
    }
  });

  test('NetworkPolicies: only the gateway and known callers in; only DNS, Postgres, Redis, Kafka, callees (and public addresses for apps that call out) out', () => {
    const values = valuesOf('production');
    const chartValues = parse(require('node:fs').readFileSync(path.join(root, 'helm/wos-platform/values.yaml'), 'utf8'));
    const infra: Record<string, { peers: unknown; port: number }> = {
      postgres: { peers: values.global.networkPolicy.postgres.to, port: 5432 },
      redis: { peers: values.global.networkPolicy.redis.to, port: 6379 },
      kafka: { peers: values.global.networkPolicy.kafka.to, port: 9092 },
    };
    const callers = (app: string) => Object.entries(INTERNAL_CALLS).filter(([, callees]) => (callees as readonly string[]).includes(app)).map(([caller]) => caller);
    const names = (peers: Peer[] | undefined) => (peers ?? []).map((p) => {
      assert.equal(p.podSelector?.matchLabels?.['app.kubernetes.io/instance'], RELEASE, 'peer outside the release');
      return p.podSelector?.matchLabels?.['app.kubernetes.io/name'] ?? '';
    }).sort();
    const policies = ofKind('production', 'NetworkPolicy');
    assert.deepEqual(policies.map(appOf).sort(), apps);
    for (const policy of policies) {
      const app = appOf(policy);
      const spec = policy.spec as { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; ingress: Rule[]; egress: Rule[] };
      assert.deepEqual(spec.podSelector.matchLabels, { 'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': RELEASE });
      assert.deepEqual([...spec.policyTypes].sort(), ['Egress', 'Ingress'], `${app}: policy types`);
      // Ingress: one rule, to the http port only.
      assert.equal(spec.ingress.length, 1, `${app}: ingress rules`);
      const [ingress] = spec.ingress;
      assert.deepEqual(ingress.ports, [{ port: 'http' }], `${app}: ingress ports`);
      if (app === 'api-gateway') assert.equal(ingress.from, undefined, 'the gateway admits any source to its public port');
      else assert.deepEqual(names(ingress.from), [...new Set(['api-gateway', ...callers(app)])].sort(), `${app}: ingress sources`);
      // Egress: DNS, then Postgres, Redis, Kafka, then callees, then (only when declared) public addresses.
      const [dns, ...rest] = spec.egress;
      assert.deepEqual(dns.ports?.map((p) => p.port), [53, 53], `${app}: DNS egress`);
      for (const name of ['postgres', 'redis', 'kafka']) {
        const rule = rest.shift();
        assert.deepEqual(rule?.to, infra[name].peers, `${app}: ${name} egress peers`);
        assert.deepEqual(rule?.ports, [{ port: infra[name].port, protocol: 'TCP' }], `${app}: ${name} egress port`);
      }
      const callees = [...(INTERNAL_CALLS[app as keyof typeof INTERNAL_CALLS] ?? [])].sort();
      if (callees.length) {
        const rule = rest.shift();
        assert.deepEqual(names(rule?.to), callees, `${app}: egress to callees`);
        assert.deepEqual(rule?.ports, [{ port: 'http' }]);
      }
      if (chartValues[app]?.networkPolicy?.toInternet) {
        const rule = rest.shift();
        assert.equal(rule?.to?.length, 1);
        const block = rule?.to?.[0].ipBlock;
        assert.equal(block?.cidr, '0.0.0.0/0', `${app}: public egress`);
        for (const cidr of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']) assert.ok(block?.except?.includes(cidr), `${app}: public egress must exclude ${cidr}`);
      }
      assert.deepEqual(rest, [], `${app}: unexpected egress rules`);
    }
  });
});

describe('each app\'s rendered environment satisfies its zod config', () => {
  for (const set of SETS) {
    test(`${set}: every required variable is set and the app's loadAppConfig accepts the environment`, () => {
      const keys = derivedKeys(root);
      const values = valuesOf(set);
      const g = values.global ?? {};
      for (const deployment of ofKind(set, 'Deployment')) {
        const app = appOf(deployment);
        const container = podSpec(deployment).containers[0];
        // The Secrets an operator creates (deploy/README.md), filled with throwaway values.
        const secret = (ref: { name: string; key: string }): string => {
          if (ref.name === (g.internalAuth?.existingSecret?.name ?? 'wos-internal-auth')) return keys.get(ref.key)!.INTERNAL_AUTH_SECRET;
          if (ref.name === (g.secretEncryption?.existingSecret?.name ?? 'wos-secret-encryption')) return keys.get(ref.key)!.SECRET_ENCRYPTION_KEYS;
          if (ref.name === 'wos-vault-root') return keys.get('vault')!.VAULT_ROOT_KEYS;
          if (ref.name === g.redis?.existingSecret?.name) return 'rediss://default:pw@redis.example:6380';
          return `value-of-${ref.name}-${ref.key}`;
        };
        // Kubernetes semantics: $(VAR) expands variables defined earlier in the list.
        const env: Record<string, string> = { ...imageEnv(root, app) };
        for (const variable of container.env ?? []) {
          env[variable.name] = variable.valueFrom?.secretKeyRef
            ? secret(variable.valueFrom.secretKeyRef)
            : (variable.value ?? '').replace(/\$\(([A-Za-z0-9_]+)\)/g, (whole, name: string) => env[name] ?? whole);
        }
        const missing = requiredVariables(root, app).filter((name) => env[name] === undefined);
        assert.deepEqual(missing, [], `${set}: ${app} lacks required variables`);
        assert.equal(configProblem(root, app, env), '', `${set}: ${app} would refuse to start`);
      }
    });
  }
});
