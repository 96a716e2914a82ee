import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';
import { hashApiKey } from '../src/credentials/api-key.secret';
import { MIGRATIONS_DIR } from './support/gateway.harness';

// The gateway's commands, through the one `wos` bin (tools/wos.mjs) as operators run them.
const CLI = join(__dirname, '..', '..', '..', '..', 'tools', 'wos.mjs');

describe('api-gateway CLI (wos environments, api-keys, …)', () => {
  let db: TestDatabase;
  let pg: Client;
  let dir: string;

  const cli = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: db.url } }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await cli(...args, '--json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };

  before(async () => {
    db = await createTestDatabase('api_gateway_cli', MIGRATIONS_DIR);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    dir = mkdtempSync(join(tmpdir(), 'gw-cli-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await pg.end();
    await db.drop();
  });

  test('environments create prints the environment, its first key and client ID', async () => {
    const test_ = await json<{ environment_id: string; api_key: string; client_id: string }>('environments', 'create', '--name', 'Staging');
    assert.match(test_.environment_id, /^environment_[0-9A-Z]{26}$/);
    assert.match(test_.api_key, /^sk_test_[0-9A-Za-z]{43}$/);
    assert.match(test_.client_id, /^client_[0-9A-Z]{26}$/);
    const live = await json<{ api_key: string }>('environments', 'create', '--name', 'Prod', '--kind', 'live');
    assert.match(live.api_key, /^sk_live_/);
    const keys = await pg.query('SELECT key_hash, last4 FROM api_keys');
    assert.ok(keys.rows.some((r) => r.key_hash === hashApiKey(test_.api_key) && r.last4 === test_.api_key.slice(-4)));
    const dump = JSON.stringify((await pg.query('SELECT * FROM api_keys')).rows);
    assert.equal(dump.includes(test_.api_key), false, 'the key itself is never stored');

    const human = await cli('environments', 'list');
    assert.equal(human.code, 0);
    assert.match(human.stdout, /Staging\s+test/);
    assert.match(human.stdout, /Prod\s+live/);
  });

  test('api-keys create, list (obfuscated) and revoke', async () => {
    const { environment_id } = await json<{ environment_id: string }>('environments', 'create', '--name', 'Keys');
    const key = await json<{ id: string; value: string; rate_limit_per_minute: number }>(
      'api-keys', 'create', '--environment', environment_id, '--name', 'CI', '--rate-limit', '600',
    );
    assert.match(key.value, /^sk_test_/);
    assert.equal(key.rate_limit_per_minute, 600);
    const list = await cli('api-keys', 'list', '--environment', environment_id);
    assert.equal(list.code, 0);
    assert.ok(list.stdout.includes(`sk_test_…${key.value.slice(-4)}`), list.stdout);
    assert.equal(list.stdout.includes(key.value), false);
    const revoked = await json<{ revoked_at: string | null }>('api-keys', 'revoke', key.id);
    assert.ok(revoked.revoked_at);
    const keys = await json<{ id: string; revoked_at: string | null }[]>('api-keys', 'list', '--environment', environment_id);
    assert.equal(keys.length, 2);
    assert.equal(keys.find((k) => k.id === key.id)?.revoked_at, revoked.revoked_at);
  });

  test('client-ids create and list', async () => {
    const { environment_id, client_id } = await json<{ environment_id: string; client_id: string }>('environments', 'create', '--name', 'Clients');
    const created = await json<{ id: string }>('client-ids', 'create', '--environment', environment_id);
    const ids = await json<{ id: string }[]>('client-ids', 'list', '--environment', environment_id);
    assert.deepEqual(ids.map((c) => c.id).sort(), [client_id, created.id].sort());
  });

  test('cors-origins add (normalised), list and remove', async () => {
    const { environment_id } = await json<{ environment_id: string }>('environments', 'create', '--name', 'Cors');
    const added = await json<{ origin: string }>('cors-origins', 'add', '--environment', environment_id, '--origin', 'https://App.example.com/');
    assert.equal(added.origin, 'https://app.example.com');
    assert.deepEqual((await json<{ origin: string }[]>('cors-origins', 'list', '--environment', environment_id)).map((o) => o.origin), ['https://app.example.com']);
    assert.equal((await cli('cors-origins', 'remove', '--environment', environment_id, '--origin', 'https://app.example.com')).code, 0);
    assert.deepEqual(await json('cors-origins', 'list', '--environment', environment_id), []);
    const bad = await cli('cors-origins', 'add', '--environment', environment_id, '--origin', 'https://app.example.com/path');
    assert.equal(bad.code, 1, 'refused by the service: a failure, not a usage error');
    assert.match(bad.stderr, /CORS origin/);
  });

  test('dev-credentials seeds once, reuses a working key, and replaces a revoked one', async () => {
    const file = join(dir, 'dev.json');
    const first = await cli('dev-credentials', '--file', file);
    assert.equal(first.code, 0, first.stderr);
    const creds = JSON.parse(readFileSync(file, 'utf8')) as { environment_id: string; api_key: string; client_id: string };
    assert.deepEqual(Object.keys(creds).sort(), ['api_key', 'client_id', 'environment_id']);
    assert.deepEqual(JSON.parse(first.stdout), creds);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const envCount = async () => Number((await pg.query('SELECT count(*) FROM environments')).rows[0].count);
    const before = await envCount();

    const second = await cli('dev-credentials', '--file', file);
    assert.deepEqual(JSON.parse(second.stdout), creds);
    assert.equal(await envCount(), before, 'no new environment while the key works');

    await pg.query('UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1', [hashApiKey(creds.api_key)]);
    const third = await cli('dev-credentials', '--file', file);
    const fresh = JSON.parse(readFileSync(file, 'utf8')) as typeof creds;
    assert.notEqual(fresh.api_key, creds.api_key);
    assert.deepEqual(JSON.parse(third.stdout), fresh);
    assert.equal(await envCount(), before + 1);

    writeFileSync(file, 'not json');
    assert.equal((await cli('dev-credentials', '--file', file)).code, 0);
    assert.match(JSON.parse(readFileSync(file, 'utf8')).api_key, /^sk_test_/);
  });

  test('usage errors exit 2, refused operations exit 1, each with a message', async () => {
    const cases: [string[], number, RegExp][] = [
      [['bogus'], 2, /unknown command "bogus"/],
      [[], 2, /no command given/],
      [['environments', 'create'], 2, /--name is required/],
      [['environments', 'create', '--name', 'x', '--kind', 'prod'], 2, /--kind must be "test" or "live"/],
      [['api-keys', 'create', '--environment', 'environment_missing'], 1, /Could not find an environment/],
      [['api-keys', 'create', '--environment', 'e', '--rate-limit', '0'], 2, /--rate-limit must be a positive/],
      [['api-keys', 'revoke', 'api_key_missing'], 1, /Could not find an API key/],
      [['environments', 'list', '--nope'], 2, /Unknown option '--nope'/],
      [['dev-credentials'], 2, /--file is required/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(...args)));
    results.forEach((r, i) => {
      const [args, code, message] = cases[i]!;
      assert.equal(r.code, code, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
    });
  });
});
