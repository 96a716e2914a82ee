import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { checkIdpUrl, fetchIdp, idpFetch, MAX_IDP_RESPONSE_BYTES, type IdpUrlPolicy } from '../src/infra/idp-fetch';
import { waitFor } from './support/harness';

const policy: IdpUrlPolicy = { allowHttp: true, allowedCidrs: ['127.0.0.1/32'], timeoutMs: 20_000 };

/** fetchIdp against real HTTP servers: the 1 MiB cap is enforced while streaming (L5), and the address policy. */
describe('idpFetch', () => {
  let server: Server;
  let base: string;
  /* Per request path: bytes the server managed to write, and whether the client hung up. */
  const streamed = new Map<string, { written: number; closed: boolean }>();

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/small') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      if (req.url === '/declared-huge') {
        res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
        return void res.write(Buffer.alloc(1024));
      }
      // An endless body: it only ends when the client goes away.
      const seen = { written: 0, closed: false };
      streamed.set(req.url!, seen);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (!seen.closed && res.write(chunk)) seen.written += chunk.length;
        if (!seen.closed) seen.written += chunk.length;
      };
      res.on('drain', pump);
      res.on('close', () => (seen.closed = true));
      pump();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test('a small document comes back as a Response with its headers', async () => {
    const res = await idpFetch(`${base}/small`, {}, policy, 'test document');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), { ok: true });
  });

  test('an endless body is cut off past 1 MiB: a 400 naming the document, and the connection is closed', async () => {
    await assert.rejects(fetchIdp(`${base}/endless`, { ...policy, what: 'IdP metadata' }), (err: { status?: number; code?: string; message?: string }) => {
      assert.equal(err.status, 400);
      assert.equal(err.code, 'idp_response_too_large');
      assert.match(err.message!, /IdP metadata/);
      return true;
    });
    const seen = await waitFor(() => streamed.get('/endless')?.closed && streamed.get('/endless'), { message: 'the server to see the client hang up' });
    // The client stops reading at the cap; what the server wrote beyond it is socket buffering.
    assert.ok(seen.written < 64 * MAX_IDP_RESPONSE_BYTES, `the server wrote ${seen.written} bytes`);
  });

  test('a declared Content-Length over the cap is refused before the body is read', async () => {
    await assert.rejects(idpFetch(`${base}/declared-huge`, {}, policy, 'JWKS'), (err: { code?: string }) => err.code === 'idp_response_too_large');
  });

  test('addresses outside the allow-list are refused without a request, at fetch time and by checkIdpUrl', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://127.0.0.2:1/x', 'http://10.0.0.1/x', 'http://[::1]/x']) {
      await assert.rejects(idpFetch(url, {}, policy, 'JWKS'), (err: { code?: string }) => err.code === 'idp_url_not_allowed', url);
      await assert.rejects(checkIdpUrl(url, policy, 'jwks_uri'), (err: { code?: string }) => err.code === 'idp_url_not_allowed', url);
    }
    await assert.rejects(checkIdpUrl(`${base}/small`, { ...policy, allowHttp: false }, 'jwks_uri'), (err: { code?: string }) => err.code === 'invalid_idp_url');
    await assert.rejects(checkIdpUrl('ftp://example.com/x', policy, 'jwks_uri'), (err: { code?: string }) => err.code === 'invalid_idp_url');
    await checkIdpUrl(`${base}/small`, policy, 'jwks_uri');
  });
});
