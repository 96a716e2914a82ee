import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { bufferedDispatch } from './buffered-dispatch';

describe('bufferedDispatch', () => {
  const server: Server = createServer((req, res) => {
    if (req.url === '/silent') return; // never answers
    if (req.url === '/stall') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first'); // then nothing more
      return;
    }
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(201, { 'content-type': 'application/json' });
      // Three writes with a pause between them: the answer arrives in several chunks.
      res.write(`{"method":"${req.method}","body":"`);
      setTimeout(() => {
        res.write(Buffer.concat(parts).toString('utf8'));
        setTimeout(() => res.end('"}'), 5);
      }, 5);
    });
  });
  const ready = new Promise<Pool>((resolve) => server.listen(0, '127.0.0.1', () => resolve(new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))));
  after(async () => {
    await (await ready).destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('answers the status, the headers (repeated ones as arrays) and the whole body', async () => {
    const res = await bufferedDispatch(await ready, { method: 'POST', path: '/echo', headers: { 'content-type': 'text/plain' }, body: Buffer.from('hello') });
    assert.equal(res.statusCode, 201);
    assert.deepEqual(res.headers['set-cookie'], ['a=1', 'b=2']);
    assert.deepEqual(JSON.parse(res.body.toString('utf8')), { method: 'POST', body: 'hello' });
  });

  test('a HEAD answer has an empty body', async () => {
    const res = await bufferedDispatch(await ready, { method: 'HEAD', path: '/echo', headers: {} });
    assert.equal(res.statusCode, 201);
    assert.equal(res.body.length, 0);
  });

  test('rejects with undici timeout codes: no headers in time, then a body that stops', async () => {
    const pool = await ready;
    await assert.rejects(bufferedDispatch(pool, { method: 'GET', path: '/silent', headers: {}, headersTimeout: 100 }), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    await assert.rejects(bufferedDispatch(pool, { method: 'GET', path: '/stall', headers: {}, bodyTimeout: 100 }), { code: 'UND_ERR_BODY_TIMEOUT' });
  });

  test('an aborted signal rejects with its reason: before the request, while waiting for headers, and mid-body', async () => {
    const pool = await ready;
    const gone = new Error('gone');
    await assert.rejects(bufferedDispatch(pool, { method: 'GET', path: '/echo', headers: {}, signal: AbortSignal.abort(gone) }), gone);
    await assert.rejects(bufferedDispatch(pool, { method: 'GET', path: '/silent', headers: {}, signal: AbortSignal.timeout(100) }), { name: 'TimeoutError' });
    await assert.rejects(bufferedDispatch(pool, { method: 'GET', path: '/stall', headers: {}, signal: AbortSignal.timeout(100) }), { name: 'TimeoutError' });
    // The pool still answers: the aborted requests released their connections.
    assert.equal((await bufferedDispatch(pool, { method: 'POST', path: '/echo', headers: {}, body: 'x' })).statusCode, 201);
  });

  test('an answer longer than maxBytes is dropped with an error; an answer of exactly maxBytes is kept', async () => {
    const pool = await ready;
    const body = 'x'.repeat(1000); // the echo answers {"method":"POST","body":"xxx…"}: 1,027 bytes
    await assert.rejects(bufferedDispatch(pool, { method: 'POST', path: '/echo', headers: {}, body, maxBytes: 1026 }), {
      name: 'ResponseTooLargeError',
      code: 'UND_ERR_RES_EXCEEDED_MAX_SIZE',
    });
    assert.equal((await bufferedDispatch(pool, { method: 'POST', path: '/echo', headers: {}, body, maxBytes: 1027 })).body.length, 1027);
  });

  test('rejects when nothing listens', async () => {
    const closed = new Pool('http://127.0.0.1:1');
    await assert.rejects(bufferedDispatch(closed, { method: 'GET', path: '/', headers: {} }), { code: 'ECONNREFUSED' });
    await closed.destroy();
  });
});
