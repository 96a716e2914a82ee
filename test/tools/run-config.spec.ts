import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { APP_CATALOGUE, Stack, configKeys, defaultUvThreadpoolSize, loadDeclaredKeys, loopbackAllowed, parseReplicas, parseUvThreadpoolSizes, readDotEnv, routeRunEnv } from '@wos/platform/stack';

const ROOT = resolve(__dirname, '..', '..', '..');
const ALL = APP_CATALOGUE.map((a) => a.name);

describe('run command configuration (.env → services)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wos-run-env-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  // The real schemas, from the apps' builds: what the run command itself loads.
  const declared = loadDeclaredKeys(ROOT);

  test('reads KEY=VALUE lines with comments, quotes and export; no file is no variables', () => {
    const file = join(dir, '.env');
    writeFileSync(file, ['# a comment', 'SMTP_HOST=smtp.example.com # trailing', 'MAIL_FROM="Acme <auth@acme.test>"', "export LOG_LEVEL='debug'", 'EMPTY=', ''].join('\n'));
    assert.deepEqual(readDotEnv(file), { SMTP_HOST: 'smtp.example.com', MAIL_FROM: 'Acme <auth@acme.test>', LOG_LEVEL: 'debug', EMPTY: '' });
    assert.deepEqual(readDotEnv(join(dir, 'missing')), {});
  });

  test('each app declares its own variables, through a final transform too (sso, webhook-dispatcher)', () => {
    assert.deepEqual([...declared.keys()], ALL);
    assert.ok(declared.get('identity')!.has('SMTP_HOST'));
    assert.ok(!declared.get('api-gateway')!.has('SMTP_HOST'));
    assert.ok(declared.get('sso')!.has('SSO_ALLOWED_IDP_CIDRS'));
    assert.ok(declared.get('webhook-dispatcher')!.has('WEBHOOK_RETRY_SCHEDULE'));
    for (const keys of declared.values()) assert.ok(keys.has('LOG_LEVEL') && keys.has('PORT'));
    assert.throws(() => configKeys({}), /no object shape/);
  });

  test('routes a variable only to the services that declare it; unknown and stack-managed ones are warnings', () => {
    const run = routeRunEnv({
      dotenv: { SMTP_HOST: 'smtp.example.com', SMTP_PORT: '2525', LOG_LEVEL: 'debug', WEBHOOK_RETRY_SCHEDULE: '1s', NOT_A_SETTING: 'x', DATABASE_URL: 'postgresql://elsewhere/db', PORT: '1', INTERNAL_AUTH_SECRET: 'a'.repeat(32), ORGANIZATIONS_URL: 'http://evil', OTEL_SERVICE_NAME: 'x', WOS_INTERNAL_AUTH_ROOT: 'compose' },
      environment: {},
      declared,
    });
    assert.deepEqual(run.perApp.identity?.SMTP_HOST, 'smtp.example.com');
    assert.equal(run.perApp.identity?.SMTP_PORT, '2525');
    assert.deepEqual(Object.keys(run.perApp).filter((a) => run.perApp[a as keyof typeof run.perApp]!.SMTP_HOST), ['identity', 'admin-portal']);
    assert.deepEqual(Object.keys(run.perApp).filter((a) => run.perApp[a as keyof typeof run.perApp]!.WEBHOOK_RETRY_SCHEDULE), ['webhook-dispatcher']);
    for (const app of ALL) {
      assert.equal(run.perApp[app]?.LOG_LEVEL, 'debug', app);
      assert.equal(run.perApp[app]?.OTEL_SERVICE_NAME, 'x', app);
      for (const managed of ['DATABASE_URL', 'PORT', 'INTERNAL_AUTH_SECRET', 'ORGANIZATIONS_URL']) assert.equal(run.perApp[app]?.[managed], undefined, `${app} ${managed}`);
    }
    const text = run.warnings.join('\n');
    assert.match(text, /no service declares NOT_A_SETTING/);
    for (const managed of ['DATABASE_URL', 'PORT', 'INTERNAL_AUTH_SECRET', 'ORGANIZATIONS_URL']) assert.match(text, new RegExp(`${managed} is set by the run command`));
    assert.doesNotMatch(text, /WOS_INTERNAL_AUTH_ROOT|SMTP_HOST|LOG_LEVEL/);
    assert.equal(run.warnings.length, 5);
  });

  test('the shell environment wins over .env, but only for declared variables; stack-managed ones stay silent', () => {
    const run = routeRunEnv({
      dotenv: { SMTP_HOST: 'from-file', KAFKA_BROKERS: 'file:9092' },
      environment: { SMTP_HOST: 'from-shell', PATH: '/usr/bin', HOME: '/root', DATABASE_URL: 'postgresql://x/y', KAFKA_BROKERS: 'shell:9092' },
      declared,
    });
    assert.equal(run.perApp.identity?.SMTP_HOST, 'from-shell');
    assert.equal(run.sources.SMTP_HOST, 'environment');
    assert.equal(run.settings.KAFKA_BROKERS, 'shell:9092');
    assert.equal(run.perApp.events?.KAFKA_BROKERS, undefined, 'the broker list is a Stack option, not a routed variable');
    assert.deepEqual(run.warnings, []);
    assert.ok(!Object.values(run.perApp).some((env) => 'PATH' in env! || 'HOME' in env!));
  });

  test('ALLOW_LOOPBACK_URLS is off unless exactly "true", and a typo stops the run', () => {
    assert.equal(loopbackAllowed({}), false);
    assert.equal(loopbackAllowed(routeRunEnv({ dotenv: { ALLOW_LOOPBACK_URLS: 'true' }, environment: {}, declared }).settings), true);
    assert.equal(loopbackAllowed({ ALLOW_LOOPBACK_URLS: 'false' }), false);
    assert.throws(() => loopbackAllowed({ ALLOW_LOOPBACK_URLS: 'yes' }), /must be "true" or "false"/);
  });

  test('the stack hands each service its routed variables on top of the managed ones', () => {
    const run = routeRunEnv({ dotenv: { SMTP_HOST: 'smtp.example.com', PORT: '1' }, environment: {}, declared });
    const stack = new Stack({ root: ROOT, dbPrefix: 'wos_cfgtest', postgresUrl: 'postgresql://postgres@127.0.0.1:5432/postgres', kafkaBrokers: 'k:9092', redisUrl: 'redis://r:6379', internalAuthSecret: 'x'.repeat(32), logDir: join(dir, 'logs'), appEnv: run.perApp });
    assert.equal(stack.appEnv('identity').SMTP_HOST, 'smtp.example.com');
    assert.equal(stack.appEnv('identity').PORT, String(stack.port('identity')));
    assert.equal(stack.appEnv('sso').SMTP_HOST, undefined);
    assert.equal(stack.appEnv('sso').ALLOW_LOOPBACK_URLS, 'false');
  });

  test('WOS_REPLICAS: processes per app; replicas of an app share its port (REUSE_PORT), a bad entry stops the run', () => {
    const run = routeRunEnv({ dotenv: { WOS_REPLICAS: 'identity=2, sso=3', REUSE_PORT: 'true' }, environment: {}, declared });
    assert.ok(run.warnings.some((w) => /REUSE_PORT is set by the run command/.test(w)), 'REUSE_PORT is the stack\'s to set');
    const replicas = parseReplicas(run.settings);
    assert.deepEqual(replicas, { identity: 2, sso: 3 });
    assert.deepEqual(parseReplicas({}), {});
    for (const bad of ['identity', 'identity=0', 'identity=17', 'nosuchapp=2', 'identity=two']) assert.throws(() => parseReplicas({ WOS_REPLICAS: bad }), /WOS_REPLICAS: /, bad);
    const stack = new Stack({ root: ROOT, dbPrefix: 'wos_cfgtest', postgresUrl: 'postgresql://postgres@127.0.0.1:5432/postgres', kafkaBrokers: 'k:9092', redisUrl: 'redis://r:6379', internalAuthSecret: 'x'.repeat(32), logDir: join(dir, 'logs'), replicas });
    assert.equal(stack.appEnv('identity').REUSE_PORT, 'true');
    assert.equal(stack.appEnv('organizations').REUSE_PORT, 'false');
    assert.throws(() => new Stack({ root: ROOT, dbPrefix: 'x', postgresUrl: 'postgresql://p@h/d', kafkaBrokers: 'k:1', redisUrl: 'redis://r', internalAuthSecret: 'x'.repeat(32), logDir: join(dir, 'logs'), replicas: { sso: 0 } }), /replicas of sso/);
  });

  test("WOS_UV_THREADPOOL_SIZE: libuv's pool per app; unnamed, identity gets one thread per core (at least 2) and the others libuv's default", () => {
    const run = routeRunEnv({ dotenv: { WOS_UV_THREADPOOL_SIZE: 'sso=3' }, environment: {}, declared });
    const sizes = parseUvThreadpoolSizes(run.settings);
    assert.deepEqual(sizes, { sso: 3 });
    for (const bad of ['identity', 'identity=0', 'identity=65', 'nosuchapp=2', 'identity=two']) assert.throws(() => parseUvThreadpoolSizes({ WOS_UV_THREADPOOL_SIZE: bad }), /WOS_UV_THREADPOOL_SIZE: /, bad);
    assert.equal(defaultUvThreadpoolSize('identity', 1), 2);
    assert.equal(defaultUvThreadpoolSize('identity', 8), 8);
    assert.equal(defaultUvThreadpoolSize('organizations', 8), undefined);
    const stack = new Stack({ root: ROOT, dbPrefix: 'wos_cfgtest', postgresUrl: 'postgresql://postgres@127.0.0.1:5432/postgres', kafkaBrokers: 'k:9092', redisUrl: 'redis://r:6379', internalAuthSecret: 'x'.repeat(32), logDir: join(dir, 'logs'), uvThreadpoolSize: sizes });
    assert.equal(stack.appEnv('sso').UV_THREADPOOL_SIZE, '3');
    assert.equal(stack.appEnv('identity').UV_THREADPOOL_SIZE, String(defaultUvThreadpoolSize('identity')));
    assert.equal(stack.appEnv('organizations').UV_THREADPOOL_SIZE, undefined);
    const pinned = new Stack({ root: ROOT, dbPrefix: 'wos_cfgtest', postgresUrl: 'postgresql://postgres@127.0.0.1:5432/postgres', kafkaBrokers: 'k:9092', redisUrl: 'redis://r:6379', internalAuthSecret: 'x'.repeat(32), logDir: join(dir, 'logs'), uvThreadpoolSize: { identity: 4 } });
    assert.equal(pinned.appEnv('identity').UV_THREADPOOL_SIZE, '4');
    assert.throws(() => new Stack({ root: ROOT, dbPrefix: 'x', postgresUrl: 'postgresql://p@h/d', kafkaBrokers: 'k:1', redisUrl: 'redis://r', internalAuthSecret: 'x'.repeat(32), logDir: join(dir, 'logs'), uvThreadpoolSize: { identity: 0 } }), /UV_THREADPOOL_SIZE of identity/);
  });
});
