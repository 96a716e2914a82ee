import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkOS } from '@workos-inc/node';
import { dropDatabase, ensureDatabase, migrate } from '@wos/platform/prisma';
import type { Credentials, Stack } from '@wos/platform/stack';
import { slotPort, startTestRedis, testSlot, uniqueSuffix, waitFor, type TestRedis } from '@wos/platform/testing';
import { CHAOS_PORT_OFFSET, ROOT } from '../support/e2e-stack';
import { httpRequest } from '../support/http';
import { ScimClient, USER_SCHEMA } from '../support/scim-client';

/*
 * The rolling-upgrade check (deploy/README.md "Upgrades"): during an upgrade the previous
 * release's pods keep serving on the schema the new release's migration Job has just applied.
 * This file finds the newest earlier commit (first-parent history) whose migrations differ from
 * this checkout's, builds that commit's services in a temporary tree (sharing node_modules when
 * its package-lock is a subset of ours), migrates fresh databases to THIS checkout's schema,
 * starts the OLD services on them with the old release's own Stack, and runs an SDK smoke.
 * Runs in the unit lane, one file at a time, on CHAOS_PORT_OFFSET like the chaos suite.
 */
const SMOKE_APPS = ['organizations', 'identity', 'directory-sync'];
const MIGRATION_PATHS = ['apps/*/prisma/migrations/*', 'libs/platform/migrations/*'];
const NAME = 'upgrade';

const git = (args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

interface Base {
  commit: string;
  subject: string;
  /** Apps whose own migrations differ from this checkout's (all of them when the platform's do). */
  changed: string[];
}

/** The newest first-parent ancestor whose migrations differ from the working tree's, or why there is none. */
function findBase(): Base | string {
  if (spawnSync('git', ['rev-parse', '--git-dir'], { cwd: ROOT }).status !== 0) return 'not a git checkout';
  if (git(['rev-parse', '--is-shallow-repository']).trim() === 'true') return 'a shallow clone (fetch the history: git fetch --unshallow)';
  for (const commit of git(['rev-list', '--first-parent', 'HEAD']).split('\n').filter(Boolean).slice(1)) {
    const changed = git(['diff', '--name-only', commit, '--', ...MIGRATION_PATHS]).split('\n').filter(Boolean);
    if (!changed.length) continue;
    const apps = changed.some((f) => f.startsWith('libs/')) ? [] : [...new Set(changed.map((f) => f.split('/')[1]!))];
    return { commit, subject: git(['log', '-1', '--format=%h %s', commit]).trim().slice(0, 100), changed: apps };
  }
  return 'no earlier commit has other migrations';
}

type LockPackages = Record<string, { version?: string; integrity?: string; resolved?: string; link?: boolean }>;

/**
 * Our node_modules serves the old release when every package its lock names is in ours at the
 * same version and integrity (extra packages are harmless). Otherwise the reasons.
 */
function lockDifferences(commit: string): string[] {
  const old = (JSON.parse(git(['show', `${commit}:package-lock.json`])) as { packages: LockPackages }).packages;
  const cur = (JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: LockPackages }).packages;
  return Object.entries(old)
    .filter(([k]) => k !== '' && !k.startsWith('node_modules/@wos/') && !/^(apps|libs)\//.test(k))
    .filter(([k, v]) => cur[k]?.version !== v.version || cur[k]?.integrity !== v.integrity)
    .map(([k, v]) => `${k} ${v.version} (ours: ${cur[k]?.version ?? 'absent'})`);
}

/** The old tree's node_modules: ours, entry by entry, except @wos, which points at the old tree's own workspaces. */
function linkNodeModules(oldRoot: string): void {
  const nm = join(oldRoot, 'node_modules');
  mkdirSync(join(nm, '@wos'), { recursive: true });
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry !== '@wos' && !entry.startsWith('.package-lock') && !entry.startsWith('.setup')) symlinkSync(join(ROOT, 'node_modules', entry), join(nm, entry));
  }
  for (const dir of ['apps', 'libs']) for (const w of readdirSync(join(oldRoot, dir))) symlinkSync(join('..', '..', dir, w), join(nm, '@wos', w));
}

describe('rolling upgrade: the previous release runs on this release\'s schema', { timeout: 600_000 }, () => {
  const base = findBase();
  const skip = typeof base === 'string' ? base : lockDifferences(base.commit).length ? `package-lock.json of ${base.commit.slice(0, 8)} is not a subset of ours (${lockDifferences(base.commit).slice(0, 3).join(', ')}…): the old release would need its own npm ci` : undefined;
  if (skip) console.log(`rolling upgrade: skipped: ${skip}`);
  const apps = typeof base === 'string' ? [] : [...new Set([...SMOKE_APPS, ...base.changed])];
  const work = mkdtempSync(join(tmpdir(), 'wos-upgrade-'));
  const oldRoot = join(work, 'old');
  const dbPrefix = `wos_e2e${testSlot ? `_s${testSlot}` : ''}_${NAME}`;
  const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const tag = uniqueSuffix();
  let redis: TestRedis | undefined;
  let stack: Stack | undefined;
  let creds: Credentials;
  let sdk: WorkOS;
  let started: string[] = [];
  const dbUrl = (app: string) => {
    const u = new URL(postgresUrl);
    u.pathname = `/${dbPrefix}_${app.replace(/-/g, '_')}`;
    return u.toString();
  };

  before(async () => {
    if (skip || typeof base === 'string') return;
    console.log(`rolling upgrade: previous release ${base.subject}; apps ${apps.join(', ')}`);
    mkdirSync(oldRoot);
    execFileSync('sh', ['-c', `git archive ${base.commit} | tar -x -C "${oldRoot}"`], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    linkNodeModules(oldRoot);
    // Only what the old stack runs: the gateway, the smoke's services, and those whose schema changed (when the old release has them).
    started = ['api-gateway', ...apps].filter((a) => existsSync(join(oldRoot, 'apps', a)));
    const nice = (cmd: string[]) => execFileSync('nice', ['-n', '10', process.execPath, ...cmd], { cwd: oldRoot, stdio: ['ignore', 'ignore', 'inherit'], timeout: 240_000 });
    nice(['tools/prisma-generate.mjs', ...started]);
    nice([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'libs/contracts', 'libs/platform', ...started.map((a) => `apps/${a}`)]);
    // This release's migration Job: fresh databases migrated to THIS checkout's schema.
    for (const app of started) {
      await dropDatabase(dbUrl(app));
      await ensureDatabase(dbUrl(app));
      await migrate(dbUrl(app), join(ROOT, 'apps', app, 'prisma', 'migrations'));
    }
    redis = await startTestRedis(slotPort(CHAOS_PORT_OFFSET) + 6379);
    // The old release's own Stack (its configuration of its services); its migrator finds nothing to do.
    const { Stack: OldStack } = require(join(oldRoot, 'libs', 'platform', 'dist', 'stack', 'index.js')) as { Stack: new (opts: unknown) => Stack };
    stack = new OldStack({
      root: oldRoot,
      apps: started,
      portOffset: slotPort(CHAOS_PORT_OFFSET),
      dbPrefix,
      postgresUrl,
      kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      redisUrl: redis.url,
      internalAuthSecret: randomBytes(24).toString('hex'),
      allowLoopbackUrls: true,
      freshDatabases: false,
      logDir: resolve(ROOT, '.tools', 'test-logs', NAME),
      env: { LOG_LEVEL: 'info' },
      readyTimeoutMs: 180_000,
    });
    await stack.start();
    creds = await stack.createEnvironment(`upgrade-${tag}`);
    sdk = new WorkOS(creds.api_key, { apiHostname: '127.0.0.1', port: stack.port('api-gateway'), https: false, clientId: creds.client_id, maxRetries: 0 });
  });
  after(async () => {
    await stack?.stop();
    await redis?.stop();
    for (const app of started) await dropDatabase(dbUrl(app)).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  test('the databases hold migrations the previous release does not have', { skip }, () => {
    const ours = (app: string) => readdirSync(join(ROOT, 'apps', app, 'prisma', 'migrations'));
    const theirs = (app: string) => (existsSync(join(oldRoot, 'apps', app, 'prisma', 'migrations')) ? readdirSync(join(oldRoot, 'apps', app, 'prisma', 'migrations')) : []);
    const newer = started.flatMap((a) => ours(a).filter((m) => !theirs(a).includes(m)));
    const platformNewer = readdirSync(join(ROOT, 'libs', 'platform', 'migrations')).filter((m) => !readdirSync(join(oldRoot, 'libs', 'platform', 'migrations')).includes(m));
    assert.ok(newer.length + platformNewer.length > 0, 'the old services run on a newer schema');
  });

  test('SDK smoke on the old services: organizations, a password sign-in, a directory user pushed over SCIM', { skip }, async () => {
    const org = await sdk.organizations.createOrganization({ name: `Upgrade ${tag}` });
    assert.equal((await sdk.organizations.getOrganization(org.id)).name, `Upgrade ${tag}`);

    const email = `rolling-${tag}@upgrade.example`;
    const password = `pw-${randomBytes(9).toString('base64url')}`;
    const user = await sdk.userManagement.createUser({ email, password, emailVerified: true });
    const auth = await sdk.userManagement.authenticateWithPassword({ email, password, clientId: creds.client_id });
    assert.equal(auth.user.id, user.id);

    const port = stack!.port('api-gateway');
    const dir = await httpRequest('POST', '/directories', { port, headers: { authorization: `Bearer ${creds.api_key}` }, body: { organization_id: org.id, name: 'Okta', type: 'okta scim v2.0' } });
    assert.equal(dir.status, 201, dir.text);
    const d = dir.json as { id: string; base_url: string; bearer_token: string };
    await new ScimClient(d.base_url, d.bearer_token).expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: `scim-${tag}@upgrade.example`, emails: [{ value: `scim-${tag}@upgrade.example`, primary: true }], name: { givenName: 'Roll', familyName: 'Ing' } });
    const listed = await waitFor(async () => (await sdk.directorySync.listUsers({ directory: d.id })).data.find((u) => u.email === `scim-${tag}@upgrade.example`), { timeoutMs: 30_000, message: 'the pushed directory user listed' });
    assert.equal(listed.firstName, 'Roll');
  });
});
