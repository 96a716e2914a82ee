import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Controller, Get, Module, Param, Req } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import pino from 'pino';
import { bootstrapService, type TrustProxy } from './bootstrap';

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
