import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { GatewayHarness } from './support/gateway.harness';

/** Sends raw bytes and returns everything the server writes before it closes. */
function rawExchange(port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(data));
    let out = '';
    socket.on('data', (c: Buffer) => (out += c.toString('latin1')));
    socket.on('error', (err) => (out ? resolve(out) : reject(err)));
    socket.on('close', () => resolve(out));
  });
}

function parse(response: string) {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as { message: string; code: string } };
}

describe('api-gateway: errors from the HTTP parser are WorkOS-shaped', () => {
  const h = new GatewayHarness();
  before(() => h.start('client_errors'));
  after(() => h.close());

  test('oversized headers are a 431 with a JSON body and a request ID', async () => {
    const res = parse(await rawExchange(h.gateway.port, `GET /organizations HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    assert.equal(res.status, 431);
    assert.equal(res.body.code, 'request_header_fields_too_large');
    assert.match(res.headers['x-request-id'] ?? '', /^req_/);
    assert.match(res.headers['content-type'] ?? '', /application\/json/);
  });

  test('a garbage request line is a 400 with a JSON body', async () => {
    const res = parse(await rawExchange(h.gateway.port, 'THIS IS NOT HTTP\r\n\r\n'));
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'malformed_request');
    assert.ok(res.body.message.length > 0);
  });
});
