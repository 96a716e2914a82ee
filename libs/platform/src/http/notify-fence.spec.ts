import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestException, Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { installNotifyFence, ReadsOnly } from './notify-fence';

/* Nest routes on Fastify, as the service serves them: which answers wait for the fence. */
@Controller()
class Routes {
  @Post('write')
  write() {
    return { wrote: true };
  }

  @Post('check')
  @ReadsOnly()
  check() {
    return { authorized: true };
  }

  @Get('read')
  read() {
    return { read: true };
  }

  @Post('fails')
  fails() {
    throw new BadRequestException('after a commit, perhaps');
  }
}

@Module({ controllers: [Routes] })
class FenceTestModule {}

describe('installNotifyFence: writes answer after the fence, reads and @ReadsOnly() routes at once', () => {
  let app: NestFastifyApplication;
  let fences = 0;
  let releaseFence: () => void = () => undefined;
  const fence = () => {
    fences++;
    return new Promise<void>((resolve) => (releaseFence = resolve));
  };

  before(async () => {
    app = await NestFactory.create<NestFastifyApplication>(FenceTestModule, new FastifyAdapter(), { logger: false });
    installNotifyFence(app.getHttpAdapter().getInstance() as unknown as FastifyInstance, fence);
    await app.init();
  });
  after(() => app.close());

  const inject = (method: 'GET' | 'POST', url: string) => (app.getHttpAdapter().getInstance() as unknown as FastifyInstance).inject({ method, url });

  test('a write, and a write that failed, wait for the fence before answering', async () => {
    for (const [url, status] of [['/write', 201], ['/fails', 400]] as const) {
      const before = fences;
      let answered = false;
      const pending = inject('POST', url).then((res) => ((answered = true), res));
      while (fences === before && !answered) await new Promise((r) => setImmediate(r));
      assert.equal(answered, false, `${url} answered without waiting for the fence`);
      releaseFence();
      assert.equal((await pending).statusCode, status);
    }
  });

  test('a GET and a @ReadsOnly() POST never wait for it', async () => {
    const before = fences;
    assert.equal((await inject('GET', '/read')).statusCode, 200);
    assert.equal((await inject('POST', '/check')).statusCode, 201);
    assert.equal(fences, before);
  });
});
