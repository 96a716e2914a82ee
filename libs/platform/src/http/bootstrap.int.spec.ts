import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Body, Controller, Get, Module, Param, Post, Req } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import pino from 'pino';
import { createLogger } from '../logging/logger';
import { bootstrapService, type TrustProxy } from './bootstrap';
import { internalCall } from './internal-fetch';

@Controller('probe')
class ProbeController {
  @Get('ip')
  ip(@Req() req: FastifyRequest) {
    return { ip: req.ip };
  }

  @Get('boom/:id')
  boom(@Param('id') _id: string) {
    throw new Error('kaput');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

async function start(trustProxy: TrustProxy | undefined, lines: string[]): Promise<{ app: NestFastifyApplication; base: string }> {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const app = await bootstrapService({ name: 'probe', module: ProbeModule, host: '127.0.0.1', port: 0, logger: pino({ level: 'error' }, sink), trustProxy });
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

describe('bootstrapService: proxy trust (M3) and error logs (L10)', () => {
  const lines: string[] = [];
  let hop: { app: NestFastifyApplication; base: string };
  let cidr: { app: NestFastifyApplication; base: string };

  before(async () => {
    hop = await start(undefined, lines);
    cidr = await start(['10.0.0.0/8'], lines);
  });
  after(async () => {
    await hop.app.close();
    await cidr.app.close();
  });

  const ipOf = async (base: string, xff?: string) =>
    ((await (await fetch(`${base}/probe/ip`, { headers: xff ? { 'x-forwarded-for': xff } : {} })).json()) as { ip: string }).ip;

  test('by default only the gateway hop is trusted: req.ip is the entry the gateway appended, never a client-written one', async () => {
    assert.equal(await ipOf(hop.base, '6.6.6.6, 203.0.113.9'), '203.0.113.9');
    assert.equal(await ipOf(hop.base, '203.0.113.9'), '203.0.113.9');
    assert.equal(await ipOf(hop.base), '127.0.0.1');
  });

  test('with the gateway\'s CIDRs, a peer outside them is never believed', async () => {
    assert.equal(await ipOf(cidr.base, '6.6.6.6'), '127.0.0.1');
  });

  test('a failed request is logged with its route template, not its URL and query', async () => {
    const res = await fetch(`${hop.base}/probe/boom/id_1?code=secret-code&state=secret-state`);
    assert.equal(res.status, 500);
    const logged = lines.filter((l) => l.includes('request failed'));
    assert.equal(logged.length, 1);
    const entry = JSON.parse(logged[0]!) as Record<string, unknown>;
    assert.equal(entry.route, '/probe/boom/:id');
    assert.equal(entry.url, undefined);
    assert.ok(!logged[0]!.includes('secret-code') && !logged[0]!.includes('id_1'), logged[0]);
  });
});

/*
 * Request IDs across services: a handler's call to another service carries the request's ID, and
 * its log lines name it. The peer is a real HTTP server that answers the x-request-id it received.
 */
const relayLines: string[] = [];
const relayLogger = createLogger('relay', 'info', new Writable({
  write(chunk: Buffer, _enc, done) {
    relayLines.push(chunk.toString());
    done();
  },
}));
let peerBase = '';
const peerCaller = { key: 'a-secret-of-enough-length-for-tests', audience: 'peer', environmentId: 'environment_A' };

async function relayToPeer(marker: string): Promise<{ seen: string | null }> {
  // A turn of the event loop first, so the ID must survive an await, not only the synchronous call.
  await new Promise((resolve) => setImmediate(resolve));
  relayLogger.info({ marker }, 'relaying');
  const res = await internalCall(`${peerBase}/seen`, peerCaller);
  return JSON.parse(res.body.toString()) as { seen: string | null };
}

@Controller('relay')
class RelayController {
  @Get()
  get() {
    return relayToPeer('get');
  }

  @Post()
  post(@Body() _body: unknown) {
    return relayToPeer('post');
  }
}

@Module({ controllers: [RelayController] })
class RelayModule {}

describe('bootstrapService: a request\'s ID reaches the services it calls, and its log lines', () => {
  let peer: Server;
  let app: NestFastifyApplication;
  let base: string;

  before(async () => {
    peer = createServer((req, res) => {
      const given = req.headers['x-request-id'];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ seen: typeof given === 'string' ? given : null }));
    });
    peer.listen(0, '127.0.0.1');
    await once(peer, 'listening');
    peerBase = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
    app = await bootstrapService({ name: 'relay', module: RelayModule, host: '127.0.0.1', port: 0, logger: pino({ level: 'error' }) });
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
    peer.closeAllConnections();
    peer.close();
  });

  const loggedFor = (marker: string) =>
    relayLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.marker === marker);

  test('a GET: the ID the caller gave is the one the peer sees and the one the log line names', async () => {
    const res = await fetch(`${base}/relay`, { headers: { 'x-request-id': 'req_from_gateway_1' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-request-id'), 'req_from_gateway_1');
    assert.deepEqual(await res.json(), { seen: 'req_from_gateway_1' });
    assert.deepEqual(loggedFor('get').map((e) => e.request_id), ['req_from_gateway_1']);
  });

  test('a POST whose body arrives after its headers (the handler runs from the body stream\'s end): the same', async () => {
    // Expect: 100-continue holds the body back until the service has taken the request in, so
    // the body always comes in a later read than the headers.
    const body = JSON.stringify({ a: 1 });
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(`${base}/relay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue', 'x-request-id': 'req_from_gateway_2' },
      });
      req.on('continue', () => req.end(body));
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    assert.equal(answer.status, 201);
    assert.deepEqual(JSON.parse(answer.text), { seen: 'req_from_gateway_2' });
    assert.deepEqual(loggedFor('post').map((e) => e.request_id), ['req_from_gateway_2']);
  });

  test('an ID the service made itself travels the same way; concurrent requests keep their own', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, async () => {
      const res = await fetch(`${base}/relay`);
      return { own: res.headers.get('x-request-id'), seen: ((await res.json()) as { seen: string }).seen };
    }));
    for (const a of answers) {
      assert.match(a.own ?? '', /^req_[0-9A-Z]{26}$/);
      assert.equal(a.seen, a.own);
    }
    assert.equal(new Set(answers.map((a) => a.own)).size, 8);
  });

  test('work no request started sends no ID and logs none', async () => {
    assert.deepEqual(await relayToPeer('outside'), { seen: null });
    assert.deepEqual(loggedFor('outside').map((e) => e.request_id), [undefined]);
  });
});
