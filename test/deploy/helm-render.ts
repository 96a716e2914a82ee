import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

// Renders helm/wos-platform with the real Helm engine (helm-java, installed by tools/helm/install.sh
// from Maven Central) through test/helm/HelmRender.java. One JVM run per call: dependency update,
// lint, then `helm template` for each value set.
//
// helm-java's template returns the release manifest only, not hooks (the Helm CLI prints both), so
// the chart is rendered from a copy in which every `helm.sh/hook` annotation key reads
// `wos-render.test/hook`: Helm then renders the migrate Job as an ordinary manifest, and the key is
// put back in the output. Nothing else in the copy differs from helm/.

export const HELM_JAVA_VERSION = '0.0.21';
const HOOK_KEY = 'helm.sh/hook';
const STAND_IN = 'wos-render.test/hook';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface HelmRender {
  /** The Helm version the engine reports, e.g. v3.21.0. */
  helmVersion: string;
  lint: { failed: boolean; messages: string[] };
  /** Per value set: the rendered objects, or Helm's error when it refused to render. */
  sets: Map<string, { objects: KubeObject[]; yaml: string } | { error: string }>;
}

function walk(dir: string, visit: (file: string) => void): void {
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) walk(file, visit);
    else visit(file);
  }
}

/** Installs (idempotently) the engine; throws with the installer's own explanation when it cannot. */
export function installHelmEngine(root: string): string {
  const result = spawnSync('bash', [path.join(root, 'tools/helm/install.sh')], { encoding: 'utf8', env: { ...process.env, HELM_JAVA_VERSION } });
  if (result.status !== 0) {
    throw new Error(`tools/helm/install.sh failed (Maven Central is needed once to fetch helm-java ${HELM_JAVA_VERSION}):\n${result.stdout}${result.stderr}`);
  }
  return path.join(root, '.tools/helm', HELM_JAVA_VERSION, 'libs');
}

export function renderChart(root: string, valueSets: Record<string, string>, options: { kubeVersion: string }): HelmRender {
  const libs = installHelmEngine(root);
  const work = mkdtempSync(path.join(tmpdir(), 'wos-helm-'));
  try {
    cpSync(path.join(root, 'helm'), path.join(work, 'helm'), { recursive: true });
    walk(path.join(work, 'helm'), (file) => {
      if (!/\/templates\/.*\.(yaml|tpl)$/.test(file)) return;
      const text = readFileSync(file, 'utf8');
      if (text.includes(STAND_IN)) throw new Error(`${file} already uses ${STAND_IN}, the renderer's stand-in key`);
      writeFileSync(file, text.replaceAll(HOOK_KEY, STAND_IN));
    });
    const out = path.join(work, 'out');
    const args = ['-cp', path.join(libs, '*'), path.join(root, 'test/helm/HelmRender.java'),
      '--chart', path.join(work, 'helm/wos-platform'), '--out', out, '--release', 'wos', '--namespace', 'wos',
      '--kube-version', options.kubeVersion];
    for (const [name, file] of Object.entries(valueSets)) args.push('--values', `${name}=${file}`);
    execFileSync('java', args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      // Helm's caches and config stay in the scratch directory; no cluster is ever contacted.
      env: { ...process.env, HELM_CACHE_HOME: path.join(work, 'cache'), HELM_CONFIG_HOME: path.join(work, 'config'), HELM_DATA_HOME: path.join(work, 'data'), KUBECONFIG: '/dev/null' },
    });
    const [lintStatus, ...messages] = readFileSync(path.join(out, 'lint.txt'), 'utf8').trim().split('\n');
    const sets: HelmRender['sets'] = new Map();
    for (const name of Object.keys(valueSets)) {
      const errorFile = path.join(out, `${name}.error`);
      if (existsSync(errorFile)) {
        sets.set(name, { error: readFileSync(errorFile, 'utf8').trim() });
        continue;
      }
      const yaml = readFileSync(path.join(out, `${name}.yaml`), 'utf8').replaceAll(STAND_IN, HOOK_KEY);
      const objects: KubeObject[] = [];
      for (const doc of parseAllDocuments(yaml)) {
        if (doc.errors.length) throw new Error(`value set ${name}: Helm rendered invalid YAML: ${doc.errors[0].message}`);
        const value = doc.toJS() as KubeObject | null;
        if (value !== null) objects.push(value);
      }
      sets.set(name, { objects, yaml });
    }
    return { helmVersion: readFileSync(path.join(out, 'version.txt'), 'utf8').trim(), lint: { failed: lintStatus === 'failed', messages }, sets };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
