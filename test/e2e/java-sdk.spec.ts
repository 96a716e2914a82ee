import { describe, test } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { startTxtDnsServer, type TxtDnsServer } from '@wos/platform/testing';
import { startE2e, ROOT, type E2e } from '../support/e2e-stack';
import { TestOidcIdp, TestSamlIdp, type OidcIdp, type SamlIdp } from '../support/sso-peers';
import { prepareJavaFixtures } from '../support/java-fixtures';
import { readSurefireReports, type JavaTestCase } from '../support/surefire';

/**
 * WorkOS's official Java/Kotlin SDK (com.workos:workos, version in test/java/pom.xml) against
 * the whole stack. This file starts the stack and the peers the Java tests need, passes their
 * addresses and IDs as WOS_* variables, runs `mvn test` in test/java, and turns every Java test
 * case into one node test, so the run's "N passed, N failed" counts them.
 */
const JAVA_DIR = resolve(ROOT, 'test', 'java');
const REPORTS = resolve(JAVA_DIR, 'target', 'surefire-reports');
const REDIRECT_URI = 'https://app.example.com/java/callback';
/** The first run downloads the SDK and Maven plugins from Maven Central. */
const MAVEN_TIMEOUT_MS = 15 * 60_000;

interface Run {
  cases: JavaTestCase[];
  /** Why there are no (or too few) cases: setup failed, Maven is missing, the build broke. */
  problem?: string;
}

describe('the official WorkOS Java SDK against the stack', async () => {
  const run = await runJavaSuite();
  if (run.problem) test('the Java suite runs', () => fail(run.problem!));
  for (const c of run.cases) {
    test(`${c.className} › ${c.name}`, { skip: c.skipped }, () => {
      if (c.failure) fail(c.failure);
    });
  }
});

/** A failure reported as the Java side's message alone; a node stack would only point here. */
function fail(message: string): never {
  const err = new Error(message);
  err.stack = `${err.name}: ${message}`;
  throw err;
}

async function runJavaSuite(): Promise<Run> {
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error || mvn.status !== 0) {
    return { cases: [], problem: 'Maven (`mvn`) with Java 17 is required for the Java SDK suite (test/java); install both (Debian: apt-get install maven openjdk-17-jdk-headless).' };
  }
  let e: E2e | undefined;
  let idp: SamlIdp | undefined;
  let oidc: OidcIdp | undefined;
  let dns: TxtDnsServer | undefined;
  try {
    dns = await startTxtDnsServer();
    e = await startE2e({
      name: 'java_sdk',
      portOffset: 21000,
      apps: ['organizations', 'events', 'identity', 'sso', 'directory-sync', 'webhook-dispatcher', 'audit-logs', 'radar'],
      appEnv: {
        organizations: { DNS_SERVERS: `127.0.0.1:${dns.port}`, DNS_TIMEOUT_MS: '2000' },
        // The Java tests' webhook receiver listens on loopback over plain HTTP.
        'webhook-dispatcher': { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' },
      },
      readyTimeoutMs: 180_000,
    });
    idp = await TestSamlIdp.start();
    oidc = await TestOidcIdp.start([{ client_id: 'java-oidc', client_secret: 'java-oidc-secret', redirect_uris: [`${e.baseUrl}/sso/oidc/callback`] }]);
    const env = await prepareJavaFixtures(e, idp, dns, REDIRECT_URI, oidc);
    return await maven(env);
  } catch (err) {
    return { cases: [], problem: `setup failed: ${(err as Error).stack ?? err}` };
  } finally {
    await idp?.close();
    await oidc?.close();
    await e?.stop();
    await dns?.close();
  }
}

/** `mvn -q -B test` in test/java; the reports, not the exit code, say what passed. */
async function maven(env: Record<string, string>): Promise<Run> {
  rmSync(REPORTS, { recursive: true, force: true });
  // Its own process group, so a timeout also stops Surefire's forked JVM.
  const child = spawn('mvn', ['-q', '-B', 'test', '-Dmaven.test.failure.ignore=true'], { cwd: JAVA_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), MAVEN_TIMEOUT_MS);
  const status = await new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  clearTimeout(timer);
  const cases = readSurefireReports(REPORTS);
  if (status !== 0 || cases.length === 0) {
    return { cases, problem: `mvn test ${status === null ? `was killed after ${MAVEN_TIMEOUT_MS / 60_000} min` : `exited ${status}`} with ${cases.length} test reports; its output ends:\n${output.slice(-4000)}` };
  }
  return { cases };
}
