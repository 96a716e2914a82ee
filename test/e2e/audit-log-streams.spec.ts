import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { Client } from 'pg';
import { newId } from '@wos/platform';
import { waitFor } from '@wos/platform/testing';
import { startE2e, type E2e } from '../support/e2e-stack';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * One receiver for every HTTP destination (Datadog's intake, Splunk HEC, a generic HTTPS
 * endpoint), on a fixed port so it can be killed and started again at the same address.
 */
class Receiver {
  readonly requests: Received[] = [];
  private server?: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(req.url?.startsWith('/dd') ? 202 : 200, { 'content-type': 'application/json' }).end('{"text":"Success","code":0}');
      });
    });
    this.server.listen(this.port, '127.0.0.1');
    await new Promise((resolve) => this.server!.once('listening', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async kill(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The audit-log event IDs received on `path`, in arrival order. */
  ids(path: string): string[] {
    const out: string[] = [];
    for (const r of this.requests.filter((x) => x.path.startsWith(path))) {
      if (path === '/dd') for (const e of JSON.parse(r.body) as { audit_log_event: { id: string } }[]) out.push(e.audit_log_event.id);
      else if (path === '/splunk') for (const line of r.body.split('\n')) out.push((JSON.parse(line) as { event: { id: string } }).event.id);
      else for (const e of (JSON.parse(r.body) as { data: { id: string }[] }).data) out.push(e.id);
    }
    return out;
  }
}

const distinct = (ids: string[]) => [...new Set(ids)];

describe('Audit-log streams: Datadog, Splunk HEC, HTTPS and S3 receivers the test starts', () => {
  let e: E2e;
  let db: Client;
  let s3rver: S3rver;
  let s3: S3Client;
  let s3Endpoint: string;
  const receiver = new Receiver();
  const dir = mkdtempSync(join(tmpdir(), 'log-streams-'));

  before(async () => {
    await receiver.start();
    s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(dir, 's3') });
    s3Endpoint = `http://127.0.0.1:${((await s3rver.run()) as unknown as { port: number }).port}`;
    s3 = new S3Client({ endpoint: s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'siem-archive' }));
    e = await startE2e({
      name: 'audit-log-streams',
      portOffset: 7000,
      apps: ['audit-logs'],
      appEnv: { 'audit-logs': { AUDIT_LOGS_STREAM_INTERVAL_MS: '200', AUDIT_LOGS_STREAM_RETRY_BASE_MS: '200', AUDIT_LOGS_STREAM_RETRY_MAX_MS: '1000', AUDIT_LOGS_STREAM_BATCH_SIZE: '7' } },
    });
    db = new Client({ connectionString: e.stack.databaseUrl('audit-logs') });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await e?.stop();
    s3?.destroy();
    await s3rver?.close();
    await receiver.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const api = async (method: string, path: string, body?: unknown, key: string | true = true) => e.http(method, path, { key, body });
  const createStream = async (organizationId: string, type: string, config: Record<string, unknown>) => {
    const r = await api('POST', '/audit_logs/log_streams', { organization_id: organizationId, type, name: `${type} stream`, config });
    assert.equal(r.status, 201, r.text);
    return r.json as { id: string; secret?: string; config: Record<string, unknown>; delivered_through: number };
  };
  const emit = async (org: string, n: number, from = 0) => {
    for (let i = from; i < from + n; i++) {
      await e.workos.auditLogs.createEvent(org, {
        action: 'document.updated',
        occurredAt: new Date(),
        actor: { id: 'user_1', type: 'user', name: 'Jon' },
        targets: [{ id: `doc_${i}`, type: 'document' }],
        context: { location: '203.0.113.7', userAgent: 'Chrome' },
        metadata: { i },
      });
    }
  };
  const chainOrder = async (org: string): Promise<string[]> => {
    const r = await db.query<{ id: string }>('SELECT id FROM audit_log_events WHERE organization_id = $1 ORDER BY chain_seq', [org]);
    return r.rows.map((x) => x.id);
  };
  const s3Ids = async (prefix: string): Promise<string[]> => {
    const list = await s3.send(new ListObjectsV2Command({ Bucket: 'siem-archive', Prefix: prefix }));
    const ids: string[] = [];
    for (const o of (list.Contents ?? []).sort((a, b) => (a.Key! < b.Key! ? -1 : 1))) {
      const text = await (await s3.send(new GetObjectCommand({ Bucket: 'siem-archive', Key: o.Key! }))).Body!.transformToString();
      for (const line of text.split('\n').filter(Boolean)) ids.push((JSON.parse(line) as { id: string }).id);
    }
    return ids;
  };

  test('each destination gets every event once, in chain order, in its own format; secrets stay write-only; a stream starts at the head', async () => {
    const x = newId('org');
    const y = newId('org');
    await emit(x, 3); // before the streams: not streamed
    const base = `http://127.0.0.1:${receiver.port}`;
    const dd = await createStream(x, 'datadog', { url: `${base}/dd`, api_key: 'dd-key-1', tags: 'env:test' });
    const splunk = await createStream(x, 'splunk', { url: `${base}/splunk`, token: 'hec-token-1', index: 'audit' });
    const hook = await createStream(x, 'https', { url: `${base}/hook/x` });
    const archive = await createStream(x, 's3', { bucket: 'siem-archive', prefix: 'wos/', endpoint: s3Endpoint, force_path_style: true, access_key_id: 'S3RVER', secret_access_key: 'S3RVER' });
    await createStream(y, 'https', { url: `${base}/hook/y` });
    assert.equal(dd.delivered_through, 3, 'a new stream starts after the current head');
    assert.match(hook.secret!, /^lss_/);
    for (const s of [dd, splunk, archive]) assert.equal(s.secret, undefined);
    const got = (await api('GET', `/audit_logs/log_streams/${dd.id}`)).json as { config: Record<string, unknown> };
    assert.equal(got.config.api_key, undefined, 'the API key is never answered');
    assert.equal(JSON.stringify((await api('GET', `/audit_logs/log_streams/${archive.id}`)).json).includes('S3RVER"'), true, 'the access key ID is shown');
    assert.equal(JSON.stringify((await api('GET', `/audit_logs/log_streams/${archive.id}`)).json).includes('secret_access_key'), false);

    await emit(x, 20, 3);
    await emit(y, 4);
    const expected = (await chainOrder(x)).slice(3);
    for (const path of ['/dd', '/splunk', '/hook/x']) {
      await waitFor(() => distinct(receiver.ids(path)).length === 20, { timeoutMs: 30_000, message: `20 events at ${path}` });
      assert.deepEqual(distinct(receiver.ids(path)), expected, `${path}: chain order`);
    }
    await waitFor(async () => (await s3Ids('wos/')).length === 20, { timeoutMs: 30_000, message: '20 events in S3' });
    assert.deepEqual(await s3Ids(`wos/${x}/`), expected);
    await waitFor(() => receiver.ids('/hook/y').length === 4, { timeoutMs: 30_000, message: 'the other organization streams its own' });
    assert.deepEqual(receiver.ids('/hook/y'), await chainOrder(y));

    // Formats: Datadog's API key header and log entries, Splunk's token and HEC events, the WorkOS signature.
    const ddReq = receiver.requests.find((r) => r.path === '/dd')!;
    assert.equal(ddReq.headers['dd-api-key'], 'dd-key-1');
    const entry = (JSON.parse(ddReq.body) as Record<string, unknown>[])[0]!;
    assert.equal(entry.ddsource, 'wos-audit-logs');
    assert.match(String(entry.ddtags), new RegExp(`organization_id:${x},action:document.updated,env:test`));
    const hecReq = receiver.requests.find((r) => r.path === '/splunk/services/collector/event')!;
    assert.equal(hecReq.headers.authorization, 'Splunk hec-token-1');
    const hec = JSON.parse(hecReq.body.split('\n')[0]!) as { index: string; sourcetype: string; event: { organization_id: string } };
    assert.deepEqual([hec.index, hec.sourcetype, hec.event.organization_id], ['audit', '_json', x]);
    const hookReq = receiver.requests.find((r) => r.path === '/hook/x')!;
    assert.equal(await e.workos.webhooks.verifyHeader({ payload: hookReq.body, sigHeader: String(hookReq.headers['workos-signature']), secret: hook.secret! }), true);
    await assert.rejects(e.workos.webhooks.verifyHeader({ payload: hookReq.body, sigHeader: String(hookReq.headers['workos-signature']), secret: 'lss_wrong' }));
  });

  test('a receiver killed and started again loses nothing; a paused stream waits', async () => {
    const org = newId('org');
    const base = `http://127.0.0.1:${receiver.port}`;
    const hook = await createStream(org, 'https', { url: `${base}/hook/kill` });
    const paused = await createStream(org, 'https', { url: `${base}/hook/paused` });
    assert.equal((await api('PATCH', `/audit_logs/log_streams/${paused.id}`, { state: 'paused' })).status, 200);
    await emit(org, 10);
    await waitFor(() => distinct(receiver.ids('/hook/kill')).length === 10, { timeoutMs: 30_000, message: 'first 10' });

    await receiver.kill();
    await emit(org, 15, 10);
    const failing = await waitFor(async () => {
      const s = (await api('GET', `/audit_logs/log_streams/${hook.id}`)).json as { failures: number; last_error: string | null; next_attempt_at: string | null };
      return s.failures >= 2 ? s : undefined;
    }, { timeoutMs: 30_000, message: 'the stream records failed attempts' });
    assert.match(failing.last_error!, /ECONNREFUSED/);
    assert.ok(failing.next_attempt_at);

    await receiver.start();
    await waitFor(() => distinct(receiver.ids('/hook/kill')).length === 25, { timeoutMs: 30_000, message: 'all 25 after the restart' });
    assert.deepEqual(distinct(receiver.ids('/hook/kill')), await chainOrder(org));
    const healthy = await waitFor(async () => {
      const s = (await api('GET', `/audit_logs/log_streams/${hook.id}`)).json as { failures: number; delivered_through: number; last_error: string | null };
      return s.failures === 0 && s.delivered_through === 25 ? s : undefined;
    }, { timeoutMs: 30_000, message: 'the stream healthy again' });
    assert.equal(healthy.last_error, null);
    assert.equal(receiver.ids('/hook/paused').length, 0, 'the paused stream sent nothing while the active one delivered 25');

    assert.equal((await api('PATCH', `/audit_logs/log_streams/${paused.id}`, { state: 'active' })).status, 200);
    await waitFor(() => distinct(receiver.ids('/hook/paused')).length === 25, { timeoutMs: 30_000, message: 'resumed: everything since its creation' });
  });

  test('bad configuration is a 422 naming the field; environments are isolated; delete', async () => {
    const org = newId('org');
    const refused: [string, Record<string, unknown>, string][] = [
      ['datadog', { url: 'http://127.0.0.1:1/dd' }, 'config.api_key'],
      ['splunk', { url: 'ftp://splunk.example.com', token: 't' }, 'config.url'],
      ['https', { url: 'http://10.1.2.3/hook' }, 'config.url'],
      ['https', { url: 'http://169.254.169.254/latest' }, 'config.url'],
      ['s3', { bucket: 'Bad_Bucket' }, 'config.bucket'],
      ['s3', { bucket: 'ok-bucket', access_key_id: 'only-half' }, 'config.secret_access_key'],
      ['https', { url: `http://127.0.0.1:${receiver.port}/h`, extra: 1 }, 'config.extra'],
    ];
    for (const [type, config, field] of refused) {
      const r = await api('POST', '/audit_logs/log_streams', { organization_id: org, type, config });
      assert.equal(r.status, 422, `${type} ${JSON.stringify(config)}: ${r.text}`);
      assert.ok(((r.json as { errors: { field: string }[] }).errors ?? []).some((x) => x.field === field), `${field} in ${r.text}`);
    }
    assert.equal((await api('POST', '/audit_logs/log_streams', { organization_id: 'org_nope', type: 'https', config: { url: 'https://example.com' } })).status, 422);

    const s = await createStream(org, 'https', { url: `http://127.0.0.1:${receiver.port}/hook/iso` });
    const other = await e.createEnvironment(`log-streams-${Date.now()}`);
    assert.equal((await api('GET', `/audit_logs/log_streams/${s.id}`, undefined, other.api_key)).status, 404);
    assert.equal((await api('PATCH', `/audit_logs/log_streams/${s.id}`, { state: 'paused' }, other.api_key)).status, 404);
    assert.equal((await api('DELETE', `/audit_logs/log_streams/${s.id}`, undefined, other.api_key)).status, 404);
    assert.deepEqual(((await api('GET', `/audit_logs/log_streams?organization_id=${org}`, undefined, other.api_key)).json as { data: unknown[] }).data, []);
    const mine = (await api('GET', `/audit_logs/log_streams?organization_id=${org}`)).json as { object: string; data: { id: string }[] };
    assert.equal(mine.object, 'list');
    assert.deepEqual(mine.data.map((d) => d.id), [s.id]);
    assert.equal((await api('DELETE', `/audit_logs/log_streams/${s.id}`)).status, 204);
    assert.equal((await api('GET', `/audit_logs/log_streams/${s.id}`)).status, 404);
  });

  test('the list pages by cursor in either order, for one organization or the whole environment', async () => {
    const org = newId('org');
    const created: string[] = [];
    for (let i = 0; i < 3; i++) created.push((await createStream(org, 'https', { url: `http://127.0.0.1:${receiver.port}/hook/page${i}` })).id);
    const newestFirst = [...created].reverse();
    type Page = { data: { id: string; organization_id: string }[]; list_metadata: { before: string | null; after: string | null } };
    const list = async (query: string) => (await api('GET', `/audit_logs/log_streams?${query}`)).json as Page;
    const first = await list(`organization_id=${org}&limit=2`);
    assert.deepEqual(first.data.map((d) => d.id), newestFirst.slice(0, 2));
    assert.ok(first.list_metadata.after);
    const second = await list(`organization_id=${org}&limit=2&after=${first.list_metadata.after}`);
    assert.deepEqual(second.data.map((d) => d.id), newestFirst.slice(2));
    assert.deepEqual((await list(`organization_id=${org}&limit=2&before=${second.data[0]!.id}`)).data.map((d) => d.id), newestFirst.slice(0, 2));
    assert.deepEqual((await list(`organization_id=${org}&order=asc`)).data.map((d) => d.id), created);
    assert.deepEqual((await list(`organization_id=${org}&order=asc&after=${created[0]}`)).data.map((d) => d.id), created.slice(1));
    // Without the organization, the environment's streams: these three among them, newest first.
    const all = (await list('limit=100')).data.filter((d) => d.organization_id === org);
    assert.deepEqual(all.map((d) => d.id), newestFirst);
    for (const id of created) assert.equal((await api('DELETE', `/audit_logs/log_streams/${id}`)).status, 204);
  });
});
