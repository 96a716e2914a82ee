import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';
import { CliFailure, EXIT, runCli, type CliModule } from '@wos/platform/cli';

const ROOT = resolve(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'tools', 'wos.mjs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `wos` bin as an operator would, from `cwd`, with only the given environment. */
function wos(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH, ...env } }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('wos (the one CLI)', () => {
  let gateway: TestDatabase;
  let events: TestDatabase;
  let pg: Client;
  const empty = mkdtempSync(join(tmpdir(), 'wos-cli-'));

  before(async () => {
    gateway = await createTestDatabase('wos_cli_gateway', join(ROOT, 'apps', 'api-gateway', 'prisma', 'migrations'));
    events = await createTestDatabase('wos_cli_events', join(ROOT, 'apps', 'events', 'prisma', 'migrations'));
    pg = new Client({ connectionString: gateway.url });
    await pg.connect();
  });
  after(async () => {
    await pg?.end();
    await gateway?.drop();
    await events?.drop();
    rmSync(empty, { recursive: true, force: true });
  });

  test('--help at every level lists what is below it, on stdout, exit 0', async () => {
    const top = await wos(['--help']);
    assert.equal(top.code, 0, top.stderr);
    for (const group of ['environments', 'api-keys', 'redirect-uris', 'connections', 'directories', 'webhooks', 'events', 'usage', 'dead-letters']) {
      assert.match(top.stdout, new RegExp(`^  ${group} `, 'm'), group);
    }
    assert.match(top.stdout, /Exit status: 0 done; 1 .*; 2 usage error/s);
    assert.match(top.stdout, /dead-letters .*\(identity, sso, directory-sync, organizations, audit-logs, vault, radar, events, webhook-dispatcher, authorization, pipes, admin-portal\)/, 'one group from every consuming service');

    // The README's command table names the same services as the per-service groups.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const name of ['dead-letters', 'secrets']) {
      const listed = new RegExp(`^  ${name} .*\\(([a-z, -]+)\\)$`, 'm').exec(top.stdout)?.[1]?.split(', ');
      const documented = new RegExp(`^\\| \`wos ${name} <([^>]+)>`, 'm').exec(readme)?.[1]?.split('\\|');
      assert.ok(listed && documented, `${name} in wos --help and in the README's command table`);
      assert.deepEqual([...documented].sort(), [...listed].sort(), `README's \`wos ${name}\` row`);
    }

    const group = await wos(['directories', '--help']);
    assert.equal(group.code, 0);
    for (const sub of ['create', 'list', 'get DIRECTORY_ID', 'rotate-token DIRECTORY_ID', 'delete DIRECTORY_ID']) assert.match(group.stdout, new RegExp(`^  ${sub} `, 'm'), sub);

    const command = await wos(['environments', 'create', '-h']);
    assert.equal(command.code, 0);
    assert.match(command.stdout, /^Usage: wos environments create \[options\]/);
    assert.match(command.stdout, /--name NAME/);
    assert.match(command.stdout, /--json/);
    assert.match(command.stdout, /--database-url URL/);

    const deadLetters = await wos(['dead-letters', 'events', '--help']);
    assert.match(deadLetters.stdout, /Usage: wos dead-letters events list \| show ID \| replay ID \| outbox list \| outbox show ID \| outbox replay ID/);
  });

  test('usage errors exit 2 with the help on stderr, and do nothing', async () => {
    const cases: [string[], RegExp][] = [
      [[], /no command given/],
      [['bogus'], /unknown command "bogus"/],
      [['environments'], /wos environments needs a subcommand/],
      [['environments', 'rename'], /unknown subcommand "environments rename"/],
      [['environments', 'list', '--nope'], /Unknown option '--nope'/],
      [['environments', 'create', '--database-url', 'postgresql://postgres@127.0.0.1:1/none'], /--name is required/],
      [['environments', 'create', '--name', 'x', '--kind', 'prod', '--database-url', 'postgresql://postgres@127.0.0.1:1/none'], /--kind must be "test" or "live"/],
      [['events', 'tail', '--count', '0', '--api-key', 'sk_test_x'], /--count must be a positive whole number/],
      [['usage', '--month', '2026-13', '--api-key', 'sk_test_x'], /--month must be a month as YYYY-MM/],
    ];
    for (const [args, message] of cases) {
      const r = await wos(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.match(r.stderr, /Usage: wos/, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
    }
    // Without a key anywhere (no flag, no WOS_API_KEY, no .dev-credentials.json here).
    const noKey = await wos(['events', 'tail'], {}, empty);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /an API key is required/);
  });

  test('--json: a real command against a real database prints parseable JSON, and errors as JSON too', async () => {
    const env = { DATABASE_URL: gateway.url };
    const created = await wos(['environments', 'create', '--name', 'Staging', '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    const env1 = JSON.parse(created.stdout) as { environment_id: string; api_key: string; client_id: string };
    assert.match(env1.environment_id, /^environment_/);
    assert.match(env1.api_key, /^sk_test_/);
    const row = await pg.query('SELECT name FROM environments WHERE id = $1', [env1.environment_id]);
    assert.equal(row.rows[0]?.name, 'Staging');

    const listed = JSON.parse((await wos(['api-keys', 'list', '--environment', env1.environment_id, '--json'], env)).stdout) as { obfuscated_value: string }[];
    assert.equal(listed.length, 1);
    assert.ok(listed[0]!.obfuscated_value.endsWith(env1.api_key.slice(-4)));

    // --database-url wins over DATABASE_URL.
    const other = await wos(['environments', 'list', '--json', '--database-url', gateway.url], { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none' });
    assert.equal(other.code, 0, other.stderr);
    assert.deepEqual((JSON.parse(other.stdout) as { id: string }[]).map((e) => e.id), [env1.environment_id]);

    const missing = await wos(['api-keys', 'revoke', 'api_key_missing', '--json'], env);
    assert.equal(missing.code, 1, 'a refused operation is a failure, not a usage error');
    assert.match((JSON.parse(missing.stderr) as { error: { message: string; exit_code: number } }).error.message, /Could not find an API key/);

    const deadLetters = await wos(['dead-letters', 'events', 'list', '--json'], { DATABASE_URL: events.url });
    assert.equal(deadLetters.code, 0, deadLetters.stderr);
    assert.deepEqual(JSON.parse(deadLetters.stdout), []);
    const noSuch = await wos(['dead-letters', 'events', 'show', '42'], { DATABASE_URL: events.url });
    assert.equal(noSuch.code, 1);
    assert.match(noSuch.stderr, /no dead letter 42/);
    const outbox = await wos(['dead-letters', 'events', 'outbox', 'list', '--json'], { DATABASE_URL: events.url });
    assert.equal(outbox.code, 0, outbox.stderr);
    assert.deepEqual(JSON.parse(outbox.stdout), []);
    const noOutboxRow = await wos(['dead-letters', 'events', 'outbox', 'replay', '42'], { DATABASE_URL: events.url });
    assert.equal(noOutboxRow.code, 1);
    assert.match(noOutboxRow.stderr, /no outbox dead letter 42/);
    const badOutboxUse = await wos(['dead-letters', 'events', 'outbox', 'replay', 'x'], { DATABASE_URL: events.url });
    assert.equal(badOutboxUse.code, 2, badOutboxUse.stderr);
  });

  test('runCli: printing a result is exit 0 whatever the stream answers; a CliFailure keeps its status', async () => {
    const out: string[] = [];
    const mod: CliModule = {
      service: 'demo',
      groups: [{ name: 'demo', summary: 'demo', commands: [
        { name: 'show', summary: 'prints', run: async (ctx) => ctx.result({ a: 1 }, () => 'a=1') },
        { name: 'fail', summary: 'fails', run: async () => { throw new CliFailure('nope', EXIT.unavailable); } },
      ] }],
    };
    // process.stdout.write answers a boolean; that must never become the exit status.
    const io = { stdout: (t: string) => out.push(t) > 0, stderr: (t: string) => out.push(t) > 0, env: {} } as unknown as Parameters<typeof runCli>[2];
    assert.equal(await runCli(['demo', 'show'], [mod], io), 0);
    assert.equal(await runCli(['demo', 'show', '--json'], [mod], io), 0);
    assert.deepEqual(out.slice(0, 2), ['a=1', '{"a":1}']);
    assert.equal(await runCli(['demo', 'fail'], [mod], io), EXIT.unavailable);
    assert.equal(out.at(-1), 'error: nope');
  });

  test('an unreachable database or gateway exits 3', async () => {
    const db = await wos(['environments', 'list'], { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none' });
    assert.equal(db.code, 3, db.stderr);
    const api = await wos(['connections', 'list', '--api-url', 'http://127.0.0.1:1', '--api-key', 'sk_test_x']);
    assert.equal(api.code, 3, api.stderr);
  });
});
