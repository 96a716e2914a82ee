import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';

const op = (summary: string) => ({ summary, responses: { '200': { description: 'OK' } } });
/** The OpenAPI paths the echo upstream documents (it stands in for organizations, identity and sso). */
export const ECHO_PATHS = {
  '/organizations': { get: op('List organizations'), post: op('Create an organization') },
  '/organizations/{id}': { get: op('Get an organization'), put: op('Update an organization'), delete: op('Delete an organization') },
  '/user_management/users': { get: op('List users'), post: op('Create a user') },
  '/sso/authorize': { get: op('Start an SSO sign-in') },
  '/directory_users': { get: op('List directory users') },
};

export interface EchoedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A stand-in service on 127.0.0.1:0. By default it answers 200 (201 for POST) with the request
 * it received. Special paths: `/organizations/status/<code>`, `/organizations/hold` (waits for
 * release()), `/organizations/flaky` (500 first, then 201), `/organizations/text-error` (500
 * text/plain), `/organizations/router-404` (the platform router's 404 body). The same behaviours
 * on any path with the query `echo=status-<code>|hold|flaky|router-404`, for routes whose path matters
 * (idempotent creates). Every answer also carries `secret: "whsec_<n>"`, like a create that
 * returns a secret; a POST to `…/api_keys` answers an `api_key` with a one-time `value`.
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
    this.server.get('/openapi.json', async () => ({ openapi: '3.1.0', paths: ECHO_PATHS }));
    this.server.all('/*', async (req, reply) => {
      const echo: EchoedRequest = {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
      };
      this.received.push(echo);
      const path = req.url.split('?')[0]!;
      const special = new URLSearchParams(req.url.split('?')[1] ?? '').get('echo');
      void reply.header('x-request-id', 'req_from_upstream').header('x-wos-internal-debug', 'secret').header('x-upstream', 'yes');
      const status = /^\/organizations\/status\/(\d{3})$/.exec(path) ?? /^status-(\d{3})$/.exec(special ?? '');
      if (status) return reply.status(Number(status[1])).send({ message: `status ${status[1]}`, code: 'echo_status', echo });
      if (path === '/organizations/router-404' || special === 'router-404') return reply.status(404).send({ message: 'Not Found', code: 'not_found' });
      if (path === '/organizations/hold' || special === 'hold') await new Promise<void>((resolve) => this.held.push(resolve));
      const flaky = path === '/organizations/flaky' || special === 'flaky';
      if (flaky && this.flakyCalls++ === 0) return reply.status(500).send({ message: 'boom', code: 'internal_error' });
      if (flaky) return reply.status(201).send({ id: `org_${this.flakyCalls}`, echo });
      if (path === '/organizations/text-error') return reply.status(500).type('text/plain').send('plain failure');
      // An API-key create: its `value` is shown once (the gateway must never store it).
      if (req.method === 'POST' && path.endsWith('/api_keys')) {
        return reply.status(201).send({ object: 'api_key', id: `api_key_echo${this.received.length}`, value: `sk_ak_echo${this.received.length}`, echo });
      }
      return reply.status(req.method === 'POST' ? 201 : 200).send({ ...echo, secret: `whsec_${this.received.length}` });
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
