import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkOS, type Event, type EventName } from '@workos-inc/node';
import { SecretBox } from '@wos/platform';
import { dropDatabase } from '@wos/platform/prisma';
import { APP_CATALOGUE, Stack, type AppName, type Credentials, type DashboardOwner } from '@wos/platform/stack';
import { slotPort, startTestRedis, testSlot, uniqueSuffix, waitFor, type TestRedis } from '@wos/platform/testing';
import { CHAOS_PORT_OFFSET, ROOT, listAllEvents } from '../support/e2e-stack';
import { httpRequest } from '../support/http';
import { ScimClient, USER_SCHEMA } from '../support/scim-client';
import { TestSamlIdp, type SamlIdp } from '../support/sso-peers';
import { WebhookReceiver } from '../support/webhook-receiver';

/*
 * `wos backup` end to end (deploy/README.md "Backups"): data written through the official SDK
 * into every kind of store, a backup, the stack stopped and its databases dropped, a restore,
 * and a new stack (new, empty Redis; same key roots) on the restored data reading it all back.
 * Runs in the unit lane, one file at a time, on CHAOS_PORT_OFFSET like the chaos suite.
 */
/** Every service with a database (APP_CATALOGUE less none): each one's data is written before the backup and read back after. */
const APPS: AppName[] = ['organizations', 'identity', 'sso', 'directory-sync', 'audit-logs', 'vault', 'events', 'webhook-dispatcher', 'authorization', 'radar', 'pipes', 'admin-portal', 'dashboard'];
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const NAME = 'backup';
const CLI = join(ROOT, 'tools', 'wos.mjs');
const TYPES: EventName[] = ['organization.created', 'user.created', 'dsync.user.created', 'connection.activated', 'vault.data.created'] as EventName[];

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}
const wos = (args: string[]): Promise<CliRun> =>
  new Promise((done) =>
    execFile(process.execPath, [CLI, ...args], { timeout: 120_000, env: { PATH: process.env.PATH } }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );

describe('wos backup: create, drop everything, restore, read back through the SDK', { timeout: 900_000 }, () => {
  const tag = uniqueSuffix();
  const dbPrefix = `wos_e2e${testSlot ? `_s${testSlot}` : ''}_${NAME}`;
  const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  // The key roots outlive the databases, as in a deployment: a backup does not hold them.
  const keys = { internalAuthSecret: randomBytes(24).toString('hex'), secretEncryptionKeys: SecretBox.generateKeys(), vaultRootKeys: SecretBox.generateKeys('vroot1') };
  const groups = { events: `events-backup-${tag}`, webhooks: `webhooks-backup-${tag}` };
  const work = mkdtempSync(join(tmpdir(), 'wos-backup-'));
  const backupDir = join(work, 'backup');
  const receiver = new WebhookReceiver();
  let idp: SamlIdp | undefined;
  let redis: TestRedis | undefined;
  let stack: Stack | undefined;
  let creds: Credentials;
  let sdk: WorkOS;

  const newStack = (redisUrl: string, fresh: boolean) =>
    new Stack({
      root: ROOT,
      apps: APPS,
      portOffset: slotPort(CHAOS_PORT_OFFSET),
      dbPrefix,
      postgresUrl,
      kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      redisUrl,
      ...keys,
      allowLoopbackUrls: true,
      freshDatabases: fresh,
      logDir: resolve(ROOT, '.tools', 'test-logs', NAME),
      env: { LOG_LEVEL: 'info' },
      appEnv: {
        events: { KAFKA_GROUP_ID: groups.events },
        'webhook-dispatcher': { KAFKA_GROUP_ID: groups.webhooks, WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' },
        'audit-logs': { AUDIT_LOGS_EXPORT_DIR: join(work, 'exports') },
      },
      readyTimeoutMs: 240_000,
    });
  const startStack = async (fresh: boolean) => {
    redis = await startTestRedis(slotPort(CHAOS_PORT_OFFSET) + 6379);
    stack = newStack(redis.url, fresh);
    await stack.start();
  };
  const stopStack = async () => {
    await stack?.stop();
    await redis?.stop();
    stack = undefined;
    redis = undefined;
  };
  const client = (c: Credentials) =>
    new WorkOS(c.api_key, { apiHostname: '127.0.0.1', port: stack!.port('api-gateway'), https: false, clientId: c.client_id, maxRetries: 0 });
  const http = (method: string, path: string, body?: unknown) =>
    httpRequest(method, path, { port: stack!.port('api-gateway'), headers: { authorization: `Bearer ${creds.api_key}` }, body });
  const databases = () =>
    ['api-gateway', ...APPS].map((a) => {
      const u = new URL(postgresUrl);
      u.pathname = `/${dbPrefix}_${a.replace(/-/g, '_')}`;
      return u.toString();
    });
  const appArgs = ['api-gateway', ...APPS].flatMap((a) => ['--app', a]);
  const target = ['--postgres-url', postgresUrl, '--prefix', dbPrefix];

  // What was written before the backup, compared after the restore.
  const written = {
    email: `ada-${tag}@backup.example`,
    password: `pw-${randomBytes(9).toString('base64url')}`,
    orgId: '',
    userId: '',
    directoryId: '',
    scimToken: '',
    scimBaseUrl: '',
    connectionId: '',
    endpointId: '',
    secret: '',
    vaultId: '',
    sealed: '',
    auditAction: `backup.tested.${tag}`,
    events: [] as Event[],
    permission: `backups:read`,
    radarEmail: `radar-${tag}@backup.example`,
    itContactId: '',
    integrationId: '',
    dashboard: undefined as DashboardOwner | undefined,
  };

  before(async () => {
    await receiver.start();
    receiver.on('/hook', () => ({ status: 200 }));
    idp = await TestSamlIdp.start();
    await startStack(true);
    creds = await stack!.createEnvironment(`backup-${tag}`);
    sdk = client(creds);
  });
  after(async () => {
    await stopStack();
    for (const url of databases()) await dropDatabase(url).catch(() => undefined);
    await idp?.close();
    await receiver.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('writes organizations, a user, a directory, an SSO connection, a webhook endpoint, an audit-log event, a vault object, a permission, radar data, a data integration, an IT contact and the console installation', async () => {
    const endpoint = await sdk.webhooks.createWebhookEndpoint({ endpointUrl: receiver.url('/hook'), events: ['organization.created'] as EventName[] as never });
    written.endpointId = endpoint.id;
    written.secret = endpoint.secret;
    const org = await sdk.organizations.createOrganization({ name: `Backup Corp ${tag}` });
    written.orgId = org.id;
    const user = await sdk.userManagement.createUser({ email: written.email, password: written.password, firstName: 'Ada', emailVerified: true });
    written.userId = user.id;
    await sdk.userManagement.createOrganizationMembership({ userId: user.id, organizationId: org.id });

    const dir = await http('POST', '/directories', { organization_id: org.id, name: 'Okta', type: 'okta scim v2.0' });
    assert.equal(dir.status, 201, dir.text);
    const d = dir.json as { id: string; base_url: string; bearer_token: string };
    Object.assign(written, { directoryId: d.id, scimToken: d.bearer_token, scimBaseUrl: d.base_url });
    await new ScimClient(d.base_url, d.bearer_token).expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: `grace-${tag}@backup.example`, emails: [{ value: `grace-${tag}@backup.example`, primary: true }], name: { givenName: 'Grace', familyName: 'Hopper' } });

    const conn = await http('POST', '/connections', { name: 'Okta SAML', connection_type: 'OktaSAML', organization_id: org.id, saml: { idp_metadata_xml: idp!.metadataXml() }, activate: true });
    assert.equal(conn.status, 201, conn.text);
    written.connectionId = (conn.json as { id: string }).id;

    await sdk.auditLogs.createEvent(org.id, {
      action: written.auditAction,
      occurredAt: new Date(),
      actor: { id: user.id, type: 'user', name: 'Ada' },
      targets: [{ id: 'team_1', type: 'team', name: 'Team 1' }],
      context: { location: '203.0.113.7', userAgent: 'backup-test' },
    });
    const context = { organization_id: org.id };
    written.vaultId = (await sdk.vault.createObject({ name: `db-password-${tag}`, value: 'kept-across-restore', context })).id;
    written.sealed = await sdk.vault.encrypt('sealed before the backup', context);

    // The other services' own data: a permission (authorization), a block-list entry and an
    // attempt (radar), a data integration with its sealed client secret (pipes), an IT contact
    // (admin-portal), and the console's installation (dashboard).
    await sdk.authorization.createPermission({ slug: written.permission, name: 'Read backups' });
    await sdk.radar.addListEntry({ type: 'ip_address', action: 'block', entry: '198.51.100.0/24' });
    await sdk.radar.createAttempt({ ipAddress: '203.0.113.9', userAgent: BROWSER, email: written.radarEmail, authMethod: 'Password', action: 'sign-in' });
    written.integrationId = (await sdk.pipes.createDataIntegration({ provider: 'github', description: `Repos ${tag}`, enabled: true, credentials: { type: 'custom', clientId: 'gh_client', clientSecret: `gh-secret-${tag}` } })).id;
    written.itContactId = (await sdk.organizations.createItContact({ organizationId: org.id, email: `it-${tag}@backup.example` })).id;
    written.dashboard = await stack!.bootstrapDashboard({ email: `owner-${tag}@backup.example` });

    // Everything relayed and stored before the backup: the events, and the webhook delivered.
    written.events = await waitFor(
      async () => {
        const all = await listAllEvents(sdk, TYPES);
        return TYPES.every((t) => all.some((ev) => ev.event === t)) ? all : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, message: `events ${TYPES.join(', ')}` },
    );
    await waitFor(() => receiver.on2xx('/hook').some((r) => r.body.includes(org.id)), { timeoutMs: 60_000, message: 'organization.created delivered' });
  });

  test('backup create: one dump per database and a manifest; a second create into the same directory is refused', async () => {
    const created = await wos(['backup', 'create', '--dir', backupDir, ...target, ...appArgs, '--json']);
    assert.equal(created.code, 0, created.stderr);
    const manifest = JSON.parse(created.stdout) as { entries: { app: string; database: string; migration: { latest: string | null; applied: number } }[]; not_covered: string[] };
    assert.deepEqual(manifest.entries.map((e) => e.app).sort(), ['api-gateway', ...APPS].sort());
    for (const e of manifest.entries) {
      assert.equal(e.database, `${dbPrefix}_${e.app.replace(/-/g, '_')}`);
      assert.ok(e.migration.latest && e.migration.applied > 0, `${e.app} has its migration version`);
    }
    assert.deepEqual(JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')).entries, manifest.entries);
    assert.ok(manifest.not_covered.some((n) => n.startsWith('Kafka')) && manifest.not_covered.some((n) => n.startsWith('Redis')));
    const again = await wos(['backup', 'create', '--dir', backupDir, ...target, ...appArgs]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already holds a backup/);
  });

  test('stop, drop every database; a tampered backup is refused and creates nothing; the restore; a second restore is refused without --force', async () => {
    await stopStack();
    for (const url of databases()) await dropDatabase(url);

    const tampered = join(work, 'tampered');
    cpSync(backupDir, tampered, { recursive: true });
    const dump = join(tampered, 'vault.dump');
    const bytes = readFileSync(dump);
    bytes[bytes.length >> 1] ^= 0x01;
    writeFileSync(dump, bytes);
    const refused = await wos(['backup', 'restore', '--dir', tampered, ...target]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refusing to restore: vault\.dump does not match its checksum/);
    const probe = await existingDatabases(postgresUrl, dbPrefix);
    assert.deepEqual(probe, [], 'a refused restore created no database');

    const restored = await wos(['backup', 'restore', '--dir', backupDir, ...target, '--json']);
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal((JSON.parse(restored.stdout) as { restored: unknown[] }).restored.length, APPS.length + 1);

    const twice = await wos(['backup', 'restore', '--dir', backupDir, ...target, '--app', 'organizations']);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /refusing to overwrite non-empty database\(s\) \w+_organizations; pass --force/);
    const forced = await wos(['backup', 'restore', '--dir', backupDir, ...target, '--app', 'organizations', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
  });

  test('a new stack (empty Redis) on the restored databases serves everything through the SDK', async () => {
    await startStack(false);
    sdk = client(creds);
    assert.equal((await sdk.organizations.getOrganization(written.orgId)).name, `Backup Corp ${tag}`);
    // The password hash, the membership and the client ID all came back: the user signs in.
    const auth = await sdk.userManagement.authenticateWithPassword({ email: written.email, password: written.password, clientId: creds.client_id });
    assert.equal(auth.user.id, written.userId);
    const memberships = await sdk.userManagement.listOrganizationMemberships({ userId: written.userId });
    assert.deepEqual(memberships.data.map((m) => m.organizationId), [written.orgId]);

    assert.equal((await sdk.directorySync.getDirectory(written.directoryId)).id, written.directoryId);
    // The SCIM bearer token (stored hashed and sealed) still authenticates the IdP's pushes.
    await new ScimClient(written.scimBaseUrl, written.scimToken).expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: `alan-${tag}@backup.example`, emails: [{ value: `alan-${tag}@backup.example`, primary: true }] });
    await waitFor(async () => (await sdk.directorySync.listUsers({ directory: written.directoryId })).data.length === 2, { timeoutMs: 30_000, message: 'both directory users listed' });

    const connection = await sdk.sso.getConnection(written.connectionId);
    assert.equal(connection.state, 'active');
    assert.equal(connection.organizationId, written.orgId);

    // Vault: the object decrypts (KEKs in the database, unwrapped by the same root keys), and so does client-side ciphertext.
    assert.equal((await sdk.vault.readObject({ id: written.vaultId })).value, 'kept-across-restore');
    assert.equal(await sdk.vault.decrypt(written.sealed), 'sealed before the backup');

    // The audit-log event, through an export made now from the restored database.
    const started = await sdk.auditLogs.createExport({ organizationId: written.orgId, rangeStart: new Date(Date.now() - 3_600_000), rangeEnd: new Date() });
    const ready = await waitFor(async () => {
      const x = await sdk.auditLogs.getExport(started.id);
      return x.state === 'ready' ? x : undefined;
    }, { timeoutMs: 60_000, message: 'audit-log export ready' });
    const csv = await (await fetch(ready.url!)).text();
    assert.ok(csv.includes(written.auditAction), `the export holds ${written.auditAction}`);

    // Every event stored before the backup is in /events, once, in the same order.
    const events = await listAllEvents(sdk, TYPES);
    assert.deepEqual(events.slice(0, written.events.length).map((ev) => ev.id), written.events.map((ev) => ev.id));

    // The webhook endpoint, with its sealed secret: a new organization is delivered, signed with the old secret.
    assert.ok((await sdk.webhooks.listWebhookEndpoints()).data.some((w) => w.id === written.endpointId));
    const org2 = await sdk.organizations.createOrganization({ name: `After restore ${tag}` });
    const delivery = await waitFor(() => receiver.on2xx('/hook').find((r) => r.body.includes(org2.id)), { timeoutMs: 60_000, message: 'organization.created delivered after the restore' });
    const verified = await sdk.webhooks.constructEvent({ payload: delivery.body as never, sigHeader: delivery.signature, secret: written.secret });
    assert.equal(verified.event, 'organization.created');

    // authorization, radar, pipes, admin-portal and dashboard read their data back.
    assert.equal((await sdk.authorization.getPermission(written.permission)).name, 'Read backups');
    const blocked = await sdk.radar.createAttempt({ ipAddress: '198.51.100.20', userAgent: BROWSER, email: `late-${tag}@backup.example`, authMethod: 'Password', action: 'sign-in' });
    assert.deepEqual([blocked.verdict, blocked.blocklistType], ['block', 'ip_address']);
    const attempts = await http('GET', `/radar/attempts?email=${encodeURIComponent(written.radarEmail)}`);
    assert.equal(attempts.status, 200, attempts.text);
    assert.equal((attempts.json as { data: unknown[] }).data.length, 1, 'the attempt made before the backup');
    const integration = await sdk.pipes.getDataIntegration({ slug: 'github' });
    assert.deepEqual([integration.id, integration.description], [written.integrationId, `Repos ${tag}`]);
    assert.deepEqual((await sdk.organizations.listItContacts({ organizationId: written.orgId })).data.map((c) => c.id), [written.itContactId]);
    const again = await stack!.bootstrapDashboard({ email: `owner-${tag}@backup.example` });
    assert.deepEqual([again.environment_id, again.client_id, again.organization_id], [written.dashboard!.environment_id, written.dashboard!.client_id, written.dashboard!.organization_id], 'the console kept its installation');
  });

  test('the backup covers every service that has a database', () => {
    assert.deepEqual([...APPS].sort(), APP_CATALOGUE.map((a) => a.name).filter((a) => a !== 'api-gateway').sort());
  });
});

/** The stack's databases that exist on the server (a refused restore must have created none). */
async function existingDatabases(postgresUrl: string, prefix: string): Promise<string[]> {
  const { Client } = await import('pg');
  const c = new Client({ connectionString: postgresUrl });
  await c.connect();
  try {
    return (await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [`${prefix}_`])).rows.map((r) => r.datname);
  } finally {
    await c.end();
  }
}
