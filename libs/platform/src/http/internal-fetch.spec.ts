import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { internalCall, internalFetch, internalJson } from './internal-fetch';
import { verifyInternalRequest } from './internal-auth';
import { sha256Hex } from '../crypto/secret-box';

const KEY = 'a-secret-of-enough-length-for-tests';
const caller = { key: KEY, audience: 'radar', environmentId: 'environment_A' };

/* A real HTTP peer: each path answers one way (see the handler). */
describe('internalFetch (a real HTTP server)', () => {
  let server: Server;
  let base: string;
  let lastChunkSent: () => void = () => undefined;
  const received: { method: string; url: string; body: string; verified: ReturnType<typeof verifyInternalRequest> }[] = [];

  before(async () => {
    server = createServer(async (req: IncomingMessage, res) => {
      let body = '';
      for await (const c of req) body += c;
      received.push({ method: req.method!, url: req.url!, body, verified: verifyInternalRequest(KEY, 'radar', { method: req.method!, url: req.url!, headers: req.headers }) });
      if (req.url === '/empty') return void res.writeHead(204).end();
      if (req.url === '/missing') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"entity_not_found"}');
      if (req.url === '/broken') return void res.writeHead(500).end('{}');
      if (req.url === '/not-json') return void res.writeHead(200).end('<html>');
      if (req.url === '/redirect') return void res.writeHead(302, { location: '/elsewhere' }).end();
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
      if (req.url === '/stream') {
        // The first chunk, then the rest only once the client has its Response: the body streams.
        res.writeHead(200, { 'content-type': 'text/csv' });
        res.write('a,b\n');
        lastChunkSent = () => res.end('1,2\n');
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] }).end(JSON.stringify({ echoed: body }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test('signs exactly the request sent (method, path with query, body) and answers a standard Response', async () => {
    const body = JSON.stringify({ email: 'a@example.com' });
    const res = await internalFetch(`${base}/radar/attempts?include=fail_policy`, caller, { method: 'post', body, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 201);
    assert.equal(res.ok, true);
    assert.deepEqual(await res.clone().json(), { echoed: body });
    assert.equal(await res.text(), JSON.stringify({ echoed: body }));
    assert.deepEqual(res.headers.getSetCookie(), ['a=1', 'b=2'], 'repeated headers are kept');
    const got = received.at(-1)!;
    assert.deepEqual([got.method, got.url, got.body], ['POST', '/radar/attempts?include=fail_policy', body]);
    assert.deepEqual(got.verified, { environmentId: 'environment_A', authKind: 'api_key', contentSha256: sha256Hex(body) });
  });

  test('a 204 has a null body; a redirect is answered as it is, never followed', async () => {
    const empty = await internalFetch(`${base}/empty`, caller, { method: 'DELETE' });
    assert.equal(empty.status, 204);
    assert.equal(empty.body, null);
    const redirect = await internalFetch(`${base}/redirect`, caller);
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('location'), '/elsewhere');
    assert.ok(!received.some((r) => r.url === '/elsewhere'));
  });

  test('with stream, the body streams: the Response arrives before the server has finished sending', async () => {
    const res = await internalFetch(`${base}/stream`, caller, { stream: true });
    assert.equal(res.headers.get('content-type'), 'text/csv');
    lastChunkSent();
    assert.equal(await res.text(), 'a,b\n1,2\n');
  });

  test('without stream, the Response comes once the whole body is in', async () => {
    let answered = false;
    const served = received.length;
    const pending = internalFetch(`${base}/stream`, caller).then((res) => ((answered = true), res));
    // The server has the request (and has written its first chunk, but not its last): no Response can exist yet.
    while (received.length === served) await new Promise((r) => setImmediate(r));
    assert.equal(answered, false, 'not before the last chunk');
    lastChunkSent();
    assert.equal(await (await pending).text(), 'a,b\n1,2\n');
  });

  test('a signal that times out rejects with a TimeoutError, as fetch does; a refused connection rejects', async () => {
    await assert.rejects(internalFetch(`${base}/slow`, caller, { signal: AbortSignal.timeout(100) }), (err: Error) => err.name === 'TimeoutError');
    await assert.rejects(internalFetch(`${base}/slow`, caller, { signal: AbortSignal.timeout(100), stream: true }), (err: Error) => err.name === 'TimeoutError');
    await assert.rejects(internalFetch('http://127.0.0.1:1/x', caller), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
  });

  test('internalJson: the parsed answer, null on 404, and a 503 naming the service for anything else', async () => {
    assert.deepEqual(await internalJson(`${base}/x`, caller, { method: 'PUT', body: { a: 1 } }), { echoed: '{"a":1}' });
    const got = received.at(-1)!;
    assert.deepEqual([got.method, got.body, got.verified?.contentSha256], ['PUT', '{"a":1}', sha256Hex('{"a":1}')], 'the JSON body is sent and signed');
    assert.equal(await internalJson(`${base}/missing`, caller), null);
    const unavailable = (err: { status?: number; code?: string; message?: string }) => err.status === 503 && err.code === 'service_unavailable' && err.message === 'The radar service is unavailable; retry the request.';
    await assert.rejects(internalJson(`${base}/broken`, caller), unavailable);
    await assert.rejects(internalJson(`${base}/not-json`, caller), unavailable);
    await assert.rejects(internalJson(`${base}/slow`, caller, { timeoutMs: 100 }), unavailable);
    await assert.rejects(internalJson('http://127.0.0.1:1/x', caller), unavailable);
  });

  test('internalCall: status, raw headers and the body read whole; a redirect is not followed; timeoutMs rejects with undici\'s code', async () => {
    const body = JSON.stringify({ slugs: ['a'] });
    const res = await internalCall(`${base}/x?y=1`, caller, { method: 'post', headers: { 'content-type': 'application/json' }, body, timeoutMs: 1_000 });
    assert.equal(res.status, 201);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(res.headers['set-cookie'], ['a=1', 'b=2']);
    assert.deepEqual(JSON.parse(res.body.toString('utf8')), { echoed: body });
    assert.deepEqual(received.at(-1)!.verified, { environmentId: 'environment_A', authKind: 'api_key', contentSha256: sha256Hex(body) });
    const redirect = await internalCall(`${base}/redirect`, caller);
    assert.deepEqual([redirect.status, redirect.headers.location], [302, '/elsewhere']);
    const started = Date.now();
    await assert.rejects(internalCall(`${base}/slow`, caller, { timeoutMs: 100 }), (err: NodeJS.ErrnoException) => err.code === 'UND_ERR_HEADERS_TIMEOUT');
    assert.ok(Date.now() - started < 1_500, 'the timeout, not the answer, ended the call');
  });

  test('a body that is not a string is refused before anything is sent', async () => {
    const before = received.length;
    await assert.rejects(internalFetch(`${base}/x`, caller, { method: 'POST', body: new Uint8Array([1]) }), TypeError);
    assert.equal(received.length, before);
  });
});
