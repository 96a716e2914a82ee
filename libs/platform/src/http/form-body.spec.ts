import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { DomainError } from '../errors/errors';
import { acceptFormBodies } from './form-body';

test('acceptFormBodies: forms on listed paths only, duplicates refused, no prototype keys', async () => {
  const app = Fastify();
  acceptFormBodies(app, ['/sso/token']);
  app.setErrorHandler((err, _req, reply) => void reply.status(err instanceof DomainError ? err.status : 500).send({ code: (err as DomainError).code }));
  app.post('/*', async (req) => ({ body: req.body, proto: Object.getPrototypeOf(req.body) === Object.prototype }));
  const post = (url: string, payload: string) => app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  const ok = await post('/sso/token?x=1', 'grant_type=authorization_code&code=a%20b&__proto__=x');
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.json(), { body: { grant_type: 'authorization_code', code: 'a b', ['__proto__']: 'x' }, proto: true });
  assert.equal(({} as Record<string, unknown>).x, undefined);
  assert.equal((await post('/sso/token', 'code=a&code=b')).statusCode, 400);
  assert.equal((await post('/organizations', 'name=x')).statusCode, 415);
  assert.equal((await post('/sso/tokenX', 'name=x')).statusCode, 415);
  await app.close();
});
