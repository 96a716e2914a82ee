import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { verifyIdToken, OidcRejection } from '../src/oidc/id-token';

type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });

/** verifyIdToken against crafted ID tokens: the OIDC refusals the issue lists (nonce, iss, aud, alg). */
describe('verifyIdToken', () => {
  let jose: Jose;
  let server: Server;
  let jwksUri: string;
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const expect = () => ({ jwksUri, issuer: 'https://op.example.com', audience: 'client-1', algorithms: ['RS256'], nonce: 'n-1', skewSeconds: 30 });
  const sign = async (claims: Record<string, unknown>, opts: { alg?: string; key?: unknown } = {}) =>
    new jose.SignJWT({ nonce: 'n-1', ...claims })
      .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: 'k1' })
      .setIssuer((claims.iss as string) ?? 'https://op.example.com')
      .setAudience((claims.aud as string) ?? 'client-1')
      .setSubject('sub-1')
      .setIssuedAt()
      .setExpirationTime((claims.exp as number) ?? '5m')
      .sign((opts.key ?? key.privateKey) as never);
  const refusedAs = async (token: string, reason: string) => {
    await assert.rejects(verifyIdToken(token, expect()), (err: unknown) => err instanceof OidcRejection && err.reason === reason);
  };

  before(async () => {
    jose = await import('jose');
    const jwk = { ...(await jose.exportJWK(key.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    jwksUri = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks`;
  });
  after(() => server?.close());

  test('accepts a good token', async () => {
    const claims = await verifyIdToken(await sign({}), expect());
    assert.equal(claims.sub, 'sub-1');
  });
  test('refuses a wrong nonce, issuer or audience', async () => {
    await refusedAs(await sign({ nonce: 'other' }), 'nonce_mismatch');
    await refusedAs(await sign({ iss: 'https://evil.example.com' }), 'issuer_mismatch');
    await refusedAs(await sign({ aud: 'client-2' }), 'audience_mismatch');
  });
  test('refuses HS256 (a JWKS is no shared secret), alg none, and a key not in the JWKS', async () => {
    await refusedAs(await sign({}, { alg: 'HS256', key: randomBytes(32) }), 'algorithm_not_allowed');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'https://op.example.com', aud: 'client-1', sub: 's', nonce: 'n-1', iat: 1, exp: 9e9 })).toString('base64url')}.`;
    await refusedAs(none, 'algorithm_not_allowed');
    await refusedAs(await sign({}, { key: other.privateKey }), 'invalid_signature');
  });
  test('refuses an expired token beyond the skew', async () => {
    await refusedAs(await sign({ exp: Math.floor(Date.now() / 1000) - 120 }), 'token_expired');
  });
});
