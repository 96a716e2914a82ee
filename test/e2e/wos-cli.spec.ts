import { describe, test, before, after } from 'node:test';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { SecretBox } from '@wos/platform';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { startE2e, ROOT, type E2e } from '../support/e2e-stack';

interface Tail {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `wos events tail …` against the stack's gateway, collecting stdout lines as they arrive. */
function tail(e: E2e, args: string[]): Tail {
  const child = spawn(process.execPath, [join(ROOT, 'tools', 'wos.mjs'), 'events', 'tail', '--api-url', e.baseUrl, '--api-key', e.creds.api_key, '--interval', '100', ...args], {
    env: { PATH: process.env.PATH },
  });
  const lines: string[] = [];
  let buffered = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts.filter(Boolean));
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, stderr: () => err, exited };
}

/** One `wos` command against the stack's gateway with its API key; stdout parsed as JSON with --json. */
async function wos(e: E2e, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'tools', 'wos.mjs'), ...args, '--api-url', e.baseUrl, '--api-key', e.creds.api_key], { env: { PATH: process.env.PATH } });
  return stdout;
}

describe('wos against a running stack: events tail, webhooks, connections, sealed secrets', () => {
  let e: E2e;
  const running: Tail[] = [];

  before(async () => {
    e = await startE2e({ name: 'wos_cli', portOffset: 18500, apps: ['organizations', 'events', 'webhook-dispatcher', 'sso', 'identity', 'admin-portal'] });
  });
  after(async () => {
    for (const t of running) t.child.kill('SIGKILL');
    await e?.stop();
  });

  test('prints each new event once, in stored order, as JSON lines, following the after cursor', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const name = (n: number) => `Tail ${n} ${uniqueSuffix()}`;
    const first = await e.workos.organizations.createOrganization({ name: name(1) });
    const t = tail(e, ['--json', '--events', 'organization.created', '--since', since, '--count', '3']);
    running.push(t);
    await waitFor(() => t.lines.length >= 1 || undefined, { timeoutMs: 60_000, message: `the first event printed (${t.stderr()})` });
    // Created after the tail printed the first one: they arrive through its polls.
    const second = await e.workos.organizations.createOrganization({ name: name(2) });
    const third = await e.workos.organizations.createOrganization({ name: name(3) });
    assert.equal(await t.exited, 0, t.stderr());
    const events = t.lines.map((l) => JSON.parse(l) as { object: string; id: string; event: string; data: { id: string } });
    // Stored order is per-organization (the Kafka key), so the two later organizations may come either way.
    assert.equal(events[0]!.data.id, first.id);
    assert.deepEqual(events.slice(1).map((ev) => ev.data.id).sort(), [second.id, third.id].sort());
    assert.ok(events.every((ev) => ev.object === 'event' && ev.event === 'organization.created' && /^event_/.test(ev.id)));
    assert.equal(new Set(events.map((ev) => ev.id)).size, 3);
  });

  test('starts after the newest event by default, prints one line per event, and Ctrl-C ends it with 0', async () => {
    const old = await e.workos.organizations.createOrganization({ name: `Old ${uniqueSuffix()}` });
    // The old event is stored before the tail starts, so the tail begins after it.
    await waitFor(async () => (await e.workos.events.listEvents({ events: ['organization.created'], limit: 100, organizationId: old.id })).data.length > 0 || undefined, { timeoutMs: 60_000, message: 'old event stored' });
    const t = tail(e, ['--events', 'organization.created,organization.updated']);
    running.push(t);
    // Keep creating until the tail shows one: its first poll may come after any given create.
    const created: string[] = [];
    await waitFor(
      async () => {
        if (t.lines.length) return true;
        created.push((await e.workos.organizations.createOrganization({ name: `New ${uniqueSuffix()}` })).id);
        return undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, message: `a new event printed (${t.stderr()})` },
    );
    t.child.kill('SIGINT');
    assert.equal(await t.exited, 0, t.stderr());
    assert.ok(t.lines.every((l) => !l.includes(old.id)), 'the event before the start is not printed');
    assert.match(t.lines[0]!, /^\d{4}-\d\d-\d\dT\S+Z {2}organization\.created +event_\w+ {2}org_\w+$/);
    assert.ok(created.some((id) => t.lines[0]!.endsWith(id)));
  });

  test('wos webhooks manages an endpoint end to end, and wos connections lists through the gateway', async () => {
    const created = JSON.parse(await wos(e, 'webhooks', 'create', '--url', 'http://localhost:4000/webhooks', '--events', 'organization.created,organization.deleted', '--json')) as { id: string; secret: string; status: string; events: string[] };
    assert.match(created.id, /^we_/);
    assert.match(created.secret, /^whsec_/);
    assert.deepEqual([...created.events].sort(), ['organization.created', 'organization.deleted']);
    const listed = JSON.parse(await wos(e, 'webhooks', 'list', '--json')) as { data: { id: string }[] };
    assert.ok(listed.data.some((w) => w.id === created.id));
    assert.match(await wos(e, 'webhooks', 'list'), new RegExp(`^ID +ENDPOINT_URL +STATUS +EVENTS\n(.*\n)*${created.id} +http://localhost:4000/webhooks +enabled`, 'm'));
    assert.equal((JSON.parse(await wos(e, 'webhooks', 'disable', created.id, '--json')) as { status: string }).status, 'disabled');
    await wos(e, 'webhooks', 'delete', created.id, '--json');
    await assert.rejects(wos(e, 'webhooks', 'get', created.id), (err: { code?: number; stderr?: string }) => err.code === 1 && /answered 404/.test(err.stderr ?? ''));
    assert.deepEqual((JSON.parse(await wos(e, 'connections', 'list', '--json')) as { data: unknown[] }).data, []);
  });
  test('wos organizations, wos users, wos portal link and wos webhooks replay: what the Dashboard scripts works as shown', async () => {
    const tag = `Cli${uniqueSuffix()}`.replace(/[^A-Za-z0-9]/g, '');
    const domain = `${tag}.cli.test`.toLowerCase();
    const org = JSON.parse(await wos(e, 'organizations', 'create', '--name', `${tag} Corp`, '--domain', domain, '--domain-state', 'verified', '--json')) as { id: string; name: string; domains: { domain: string; state: string }[] };
    assert.match(org.id, /^org_/);
    assert.deepEqual(org.domains.map((d) => [d.domain, d.state]), [[domain, 'verified']]);
    const added = JSON.parse(await wos(e, 'organizations', 'add-domain', org.id, '--domain', `more.${domain}`, '--json')) as { domain: string; state: string; organization_id: string };
    assert.deepEqual([added.domain, added.state, added.organization_id], [`more.${domain}`, 'pending', org.id]);
    const searched = JSON.parse(await wos(e, 'organizations', 'list', '--search', tag.toLowerCase(), '--json')) as { data: { id: string }[] };
    assert.deepEqual(searched.data.map((o) => o.id), [org.id]);
    assert.match(await wos(e, 'organizations', 'list', '--search', tag), new RegExp(`^ID +NAME +DOMAINS +CREATED_AT\n${org.id} +${tag} Corp +${domain.replace(/\./g, '\\.')} \\(verified\\)`, 'm'));
    assert.equal((JSON.parse(await wos(e, 'organizations', 'get', org.id, '--json')) as { domains: unknown[] }).domains.length, 2);
    const portal = JSON.parse(await wos(e, 'portal', 'link', org.id, '--intent', 'sso', '--json')) as { link: string };
    assert.match(portal.link, new RegExp(`/portal/o/${org.id}/launch\\?token=`));

    const email = `${tag.toLowerCase()}@example.com`;
    const user = await e.workos.userManagement.createUser({ email, password: 'a cli-listed password', emailVerified: true });
    const users = JSON.parse(await wos(e, 'users', 'list', '--search', tag.slice(0, 6).toUpperCase() + tag.slice(6), '--json')) as { data: { id: string }[] };
    assert.ok(users.data.some((u) => u.id === user.id));
    assert.equal((JSON.parse(await wos(e, 'users', 'get', user.id, '--json')) as { email: string }).email, email);
    const auth = await e.workos.userManagement.authenticateWithPassword({ clientId: e.creds.client_id, email, password: 'a cli-listed password' });
    const sessionId = (JSON.parse(Buffer.from(auth.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
    const sessions = JSON.parse(await wos(e, 'users', 'sessions', user.id, '--json')) as { data: { id: string; status: string }[] };
    assert.ok(sessions.data.some((x) => x.id === sessionId));
    await wos(e, 'users', 'revoke-session', sessionId, '--json');
    await assert.rejects(e.workos.userManagement.authenticateWithRefreshToken({ clientId: e.creds.client_id, refreshToken: auth.refreshToken }));

    const endpoint = JSON.parse(await wos(e, 'webhooks', 'create', '--url', 'http://localhost:4000/replayed', '--events', 'organization.created', '--json')) as { id: string };
    const replay = await wos(e, 'webhooks', 'replay', endpoint.id, '--hours', '1', '--json');
    assert.ok(replay.trim().length > 0);
    // A usage error: exit 2.
    await assert.rejects(wos(e, 'webhooks', 'replay', endpoint.id), (err: { code?: number; stderr?: string }) => err.code === 2 && /--since ISO_TIME or --hours N/.test(err.stderr ?? ''));
    const help = await promisify(execFile)(process.execPath, [join(ROOT, 'tools', 'wos.mjs'), '--help'], { env: { PATH: process.env.PATH } });
    for (const group of ['organizations', 'users', 'portal']) assert.match(help.stdout, new RegExp(`^ +${group} `, 'm'));
  });

  test('wos secrets: after a key rotation, reseal moves the stored secrets to the new key, and the old key can then go', async () => {
    type Endpoint = { id: string; secret: string };
    type Status = { sealing_key_id: string; columns: { column: string; kids: Record<string, number>; stale: number }[] };
    const secrets = async (...args: string[]) => JSON.parse(await e.stack.runCli('webhook-dispatcher', ['secrets', 'webhook-dispatcher', ...args, '--json'])) as Status;
    const before = JSON.parse(await wos(e, 'webhooks', 'create', '--url', 'http://localhost:4000/before', '--events', 'organization.created', '--json')) as Endpoint;
    // A rotated endpoint also holds its previous secret, sealed under the same key.
    await wos(e, 'webhooks', 'rotate-secret', before.id, '--json');
    const rotatedSecret = (JSON.parse(await wos(e, 'webhooks', 'get', before.id, '--json')) as Endpoint).secret;

    const oldRoot = e.stack.secretEncryptionRoot;
    const newKey = SecretBox.generateKeys('k9');
    e.stack.secretEncryptionRoot = `${newKey},${oldRoot}`;
    await e.stack.restart('webhook-dispatcher');
    const after = JSON.parse(await wos(e, 'webhooks', 'create', '--url', 'http://localhost:4000/after', '--events', 'organization.created', '--json')) as Endpoint;

    const stale = await secrets('status');
    assert.equal(stale.sealing_key_id, 'k9-webhook-dispatcher');
    const current = stale.columns.find((c) => c.column === 'secret_sealed')!;
    assert.ok(current.stale >= 1 && current.kids['k9-webhook-dispatcher'] === 1, JSON.stringify(stale));
    assert.ok(stale.columns.find((c) => c.column === 'previous_secret_sealed')!.stale >= 1, JSON.stringify(stale));

    const resealed = JSON.parse(await e.stack.runCli('webhook-dispatcher', ['secrets', 'webhook-dispatcher', 'reseal', '--json'])) as { columns: { resealed: number; failed: number }[] };
    assert.ok(resealed.columns.every((c) => c.failed === 0) && resealed.columns.every((c) => c.resealed >= 1), JSON.stringify(resealed));
    assert.deepEqual((await secrets('status')).columns.map((c) => c.stale), [0, 0]);

    // The old key removed: every stored secret still opens, the rotated one and the new one alike.
    e.stack.secretEncryptionRoot = newKey;
    await e.stack.restart('webhook-dispatcher');
    assert.equal((JSON.parse(await wos(e, 'webhooks', 'get', before.id, '--json')) as Endpoint).secret, rotatedSecret);
    assert.equal((JSON.parse(await wos(e, 'webhooks', 'get', after.id, '--json')) as Endpoint).secret, after.secret);
  });
});
