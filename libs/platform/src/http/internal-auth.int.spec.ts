import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type AddressInfo } from 'node:net';
import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService } from './bootstrap';
import { EnvironmentId } from './environment.decorator';
import { RequireApiKey } from './api-key.guard';
import { INTERNAL_HEADERS, signInternalRequest } from './internal-auth';
import { createLogger } from '../logging/logger';

const KEY = 'notes-service-key-0123456789abcdef';

@Controller('notes')
class NotesController {
  @Get()
  list(@EnvironmentId() env: string) {
    return { env };
  }

  @Post()
  create(@EnvironmentId() env: string, @Body() body: unknown) {
    return { env, body };
  }
}

@RequireApiKey()
@Controller('admin')
class AdminController {
  @Get()
  get(@EnvironmentId() env: string) {
    return { env };
  }
}

/* Listed in publicClientPathPrefixes: the one path here a public client may reach. */
@Controller('hosted')
class HostedController {
  @Get()
  get(@EnvironmentId() env: string) {
    return { env };
  }
}

@Controller('hostedness')
class LookalikeController {
  @Get()
  get(@EnvironmentId() env: string) {
    return { env };
  }
}

@Module({ controllers: [NotesController, AdminController, HostedController, LookalikeController] })
class NotesModule {}

/** A service booted by the platform, verifying every request the way every app does (M10). */
describe('bootstrapService internal auth (request-bound signatures)', () => {
  let app: NestFastifyApplication;
  let base: string;

  before(async () => {
    app = await bootstrapService({ name: 'notes', module: NotesModule, host: '127.0.0.1', port: 0, logger: createLogger('notes', 'silent'), internalAuthSecret: KEY, publicClientPathPrefixes: ['/hosted'] });
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
  });

  const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    fetch(`${base}${path}`, { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body });
  const signed = (method: string, path: string, body?: string, opts: Parameters<typeof signInternalRequest>[4] = {}, audience = 'notes', key = KEY) =>
    signInternalRequest(key, audience, 'environment_A', { method, path, body }, opts);

  test('a request signed for exactly itself is served with its environment', async () => {
    const body = JSON.stringify({ text: 'hello' });
    const res = await send('POST', '/notes?draft=1', signed('POST', '/notes?draft=1', body), body);
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { env: 'environment_A', body: { text: 'hello' } });
    assert.deepEqual(await (await send('GET', '/notes', signed('GET', '/notes'))).json(), { env: 'environment_A' });
  });

  test('captured headers do not carry to another body, path, query, method or service', async () => {
    const body = JSON.stringify({ text: 'hello' });
    const h = signed('POST', '/notes?draft=1', body);
    const refused = [
      await send('POST', '/notes?draft=1', h, JSON.stringify({ text: 'evil' })),
      await send('POST', '/notes?draft=2', h, body),
      await send('POST', '/notes', h, body),
      await send('GET', '/notes', signed('GET', '/notes?x=1')),
      await send('GET', '/admin', signed('GET', '/notes')),
      await send('POST', '/notes?draft=1', signed('POST', '/notes?draft=1', body, {}, 'sso'), body),
      await send('POST', '/notes?draft=1', signed('POST', '/notes?draft=1', body, {}, 'notes', 'another-service-key-0123456789'), body),
      await send('POST', '/notes?draft=1', { ...h, [INTERNAL_HEADERS.contentSha256]: 'a'.repeat(64) }, body),
    ];
    for (const res of refused) {
      assert.equal(res.status, 401, res.url);
      assert.equal(((await res.json()) as { code: string }).code, 'unauthorized');
    }
  });

  test('a body sent where the signature named none is refused', async () => {
    const res = await send('POST', '/notes', signed('POST', '/notes'), JSON.stringify({ text: 'smuggled' }));
    assert.equal(res.status, 401);
  });

  /** A raw HTTP/1.1 POST /notes with the signed headers; `parts` are written apart, `wait` ms between them. */
  function rawPost(parts: string[], contentLength: number, body: string, wait: number, cut = false): Promise<string> {
    const url = new URL(base);
    const headers = { ...signed('POST', '/notes', body), 'content-type': 'application/json', 'content-length': String(contentLength), host: url.host, connection: 'close' };
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, async () => {
        socket.write(`POST /notes HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
        for (const part of parts) {
          await new Promise((r) => setTimeout(r, wait));
          socket.write(part);
        }
        if (cut) {
          socket.destroy();
          resolve('');
        }
      });
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString()));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  test('the body digest covers a body that arrives in pieces; a body cut short is never served and the service carries on', async () => {
    const body = JSON.stringify({ text: 'in two pieces' });
    const answer = await rawPost([body.slice(0, 7), body.slice(7)], Buffer.byteLength(body), body, 30);
    assert.match(answer, /^HTTP\/1\.1 201/);
    assert.ok(answer.includes('"in two pieces"'));
    // The digest would match, but the body stops early: the request is dropped with its socket.
    await rawPost([body.slice(0, 7)], Buffer.byteLength(body), body, 30, true);
    const res = await send('POST', '/notes', signed('POST', '/notes', body), body);
    assert.equal(res.status, 201);
  });

  test('management routes take API-key callers only, even with a valid public-client context', async () => {
    assert.equal((await send('GET', '/admin', signed('GET', '/admin', undefined, { authKind: 'public_client', clientId: 'client_1' }))).status, 401);
    assert.equal((await send('GET', '/admin', signed('GET', '/admin'))).status, 200);
  });

  test('a public client reaches only the paths its service lists; every other route refuses it before routing', async () => {
    const asPublicClient = (path: string) => send('GET', path, signed('GET', path, undefined, { authKind: 'public_client', clientId: 'client_1' }));
    const hosted = await asPublicClient('/hosted?step=1');
    assert.equal(hosted.status, 200);
    assert.deepEqual(await hosted.json(), { env: 'environment_A' });
    for (const path of ['/notes', '/hostedness', '/nowhere']) {
      const res = await asPublicClient(path);
      assert.equal(res.status, 401, path);
      assert.deepEqual(await res.json(), { message: 'This endpoint requires an API key.', code: 'unauthorized' }, path);
    }
    assert.equal((await send('GET', '/notes', signed('GET', '/notes'))).status, 200, 'an API-key caller is unaffected');
  });
});
