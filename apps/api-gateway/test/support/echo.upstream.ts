import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';

export interface EchoedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A stand-in service on 127.0.0.1:0. By default it answers 200 with the request it received.
 * Special paths: `/organizations/status/<code>`, `/organizations/hold` (waits for release()),
 * `/organizations/flaky` (500 first, then 201), `/organizations/text-error` (500 text/plain).
 */
export class EchoUpstream {
  readonly received: EchoedRequest[] = [];
  private readonly held: (() => void)[] = [];
  private flakyCalls = 0;
  private server!: FastifyInstance;
  url = '';

  async start(): Promise<this> {
    this.server = Fastify();
    this.server.removeAllContentTypeParsers();
    this.server.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    this.server.get('/openapi.json', async () => ({ openapi: '3.1.0', paths: { '/organizations': { get: { summary: 'List organizations' } } } }));
    this.server.all('/*', async (req, reply) => {
      const echo: EchoedRequest = {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
      };
      this.received.push(echo);
      const path = req.url.split('?')[0]!;
      void reply.header('x-request-id', 'req_from_upstream').header('x-wos-internal-debug', 'secret').header('x-upstream', 'yes');
      const status = /^\/organizations\/status\/(\d{3})$/.exec(path);
      if (status) return reply.status(Number(status[1])).send({ message: `status ${status[1]}`, code: 'echo_status', echo });
      if (path === '/organizations/hold') await new Promise<void>((resolve) => this.held.push(resolve));
      if (path === '/organizations/flaky' && this.flakyCalls++ === 0) return reply.status(500).send({ message: 'boom', code: 'internal_error' });
      if (path === '/organizations/flaky') return reply.status(201).send({ id: `org_${this.flakyCalls}`, echo });
      if (path === '/organizations/text-error') return reply.status(500).type('text/plain').send('plain failure');
      return reply.status(req.method === 'POST' ? 201 : 200).send(echo);
    });
    await this.server.listen({ host: '127.0.0.1', port: 0 });
    this.url = `http://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
    return this;
  }

  get heldCount(): number {
    return this.held.length;
  }

  releaseAll(): void {
    for (const release of this.held.splice(0)) release();
  }

  count(path: string): number {
    return this.received.filter((r) => r.url.split('?')[0] === path).length;
  }

  async stop(): Promise<void> {
    this.releaseAll();
    await this.server.close();
  }
}
