import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { OidcRejection, providerConfiguration, redeemProviderCode, type ProviderMetadata, type RelyingPartyOptions } from '../src/oidc/relying-party';

type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });

const OPTIONS: RelyingPartyOptions = { allowHttp: true, allowedCidrs: ['127.0.0.1/32'], timeoutMs: 5000, skewSeconds: 30 };

/**
 * The OIDC relying party (openid-client behind the guarded fetch) against a stand-in token
 * endpoint that answers crafted ID tokens: every refusal the ID token rules call for, with its
 * stable reason, and a JWKS address outside the policy that is never contacted.
 */
describe('OIDC relying party', () => {
  let jose: Jose;
  let op: Server;
  let opUrl: string;
  let forbidden: Server;
  let forbiddenUrl: string;
  const forbiddenHits: string[] = [];
  let nextIdToken = '';
  let nextTokenAnswer: { status: number; body: unknown } | undefined;
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const metadata = (over: Partial<ProviderMetadata> = {}): ProviderMetadata => ({
    issuer: 'https://op.example.com',
    authorization_endpoint: `${opUrl}/auth`,
    token_endpoint: `${opUrl}/token`,
    jwks_uri: `${opUrl}/jwks`,
    id_token_signing_alg_values: ['RS256'],
    ...over,
  });
  const sign = (claims: Record<string, unknown>, opts: { alg?: string; key?: unknown } = {}) =>
    new jose.SignJWT({ nonce: 'n-1', ...claims })
      .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: 'k1' })
      .setIssuer((claims.iss as string) ?? 'https://op.example.com')
      .setAudience((claims.aud as string | string[]) ?? 'client-1')
      .setSubject('sub-1')
      .setIssuedAt()
      .setExpirationTime((claims.exp as number) ?? '5m')
      .sign((opts.key ?? key.privateKey) as never);
  const redeem = async (idToken: string, m = metadata()) => {
    nextIdToken = idToken;
    const config = await providerConfiguration(m, 'client-1', 'secret-1', OPTIONS);
    return redeemProviderCode(config, { callbackUrl: new URL('https://rp.example.com/cb?code=c-1&state=s-1'), state: 's-1', verifier: 'v'.repeat(43), nonce: 'n-1' });
  };
  const refusedAs = async (idToken: string, reason: string) => {
    await assert.rejects(redeem(idToken), (err: unknown) => {
      assert.ok(err instanceof OidcRejection, `not an OidcRejection: ${String(err)}`);
      assert.equal(err.reason, reason, err.message);
      return true;
    });
  };

  before(async () => {
    jose = await import('jose');
    const jwk = { ...(await jose.exportJWK(key.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    op = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/jwks') return void res.end(JSON.stringify({ keys: [jwk] }));
      if (req.url === '/token') {
        const answer = nextTokenAnswer ?? { status: 200, body: { access_token: 'at-1', token_type: 'Bearer', expires_in: 300, id_token: nextIdToken } };
        nextTokenAnswer = undefined;
        return void res.writeHead(answer.status).end(JSON.stringify(answer.body));
      }
      res.writeHead(404).end('{}');
    });
    await new Promise<void>((r) => op.listen(0, '127.0.0.1', r));
    opUrl = `http://127.0.0.1:${(op.address() as { port: number }).port}`;
    // Loopback, but outside the allowed 127.0.0.1/32: nothing may ever reach it.
    forbidden = createServer((req, res) => {
      forbiddenHits.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => forbidden.listen(0, '127.0.0.2', r));
    forbiddenUrl = `http://127.0.0.2:${(forbidden.address() as { port: number }).port}`;
  });
  after(() => {
    op?.close();
    forbidden?.close();
  });

  test('accepts a good token, verified against the JWKS', async () => {
    const { claims, accessToken } = await redeem(await sign({ email: 'a@example.com' }));
    assert.equal(claims.sub, 'sub-1');
    assert.equal(claims.email, 'a@example.com');
    assert.equal(accessToken, 'at-1');
  });

  test('refuses a wrong or missing nonce, a wrong issuer or audience, and several audiences without our azp', async () => {
    await refusedAs(await sign({ nonce: 'other' }), 'nonce_mismatch');
    await refusedAs(await sign({ nonce: undefined }), 'nonce_mismatch');
    await refusedAs(await sign({ iss: 'https://evil.example.com' }), 'issuer_mismatch');
    await refusedAs(await sign({ aud: 'client-2' }), 'audience_mismatch');
    await refusedAs(await sign({ aud: ['client-1', 'client-2'] }), 'audience_mismatch');
  });

  test('refuses HS256 (a JWKS is no shared secret), alg none, and a key not in the JWKS', async () => {
    await refusedAs(await sign({}, { alg: 'HS256', key: randomBytes(32) }), 'algorithm_not_allowed');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'https://op.example.com', aud: 'client-1', sub: 's', nonce: 'n-1', iat: Math.floor(Date.now() / 1000), exp: 9e9 })).toString('base64url')}.`;
    await refusedAs(none, 'algorithm_not_allowed');
    await refusedAs(await sign({}, { key: other.privateKey }), 'invalid_signature');
  });

  test('refuses an expired token beyond the skew', async () => {
    await refusedAs(await sign({ exp: Math.floor(Date.now() / 1000) - 120 }), 'token_expired');
  });

  test('a token endpoint error is token_exchange_failed with the IdP error named', async () => {
    nextTokenAnswer = { status: 400, body: { error: 'invalid_grant', error_description: 'code expired' } };
    await assert.rejects(redeem('unused'), (err: unknown) => err instanceof OidcRejection && err.reason === 'token_exchange_failed' && /invalid_grant/.test(err.message));
  });

  test('a jwks_uri outside the address policy is refused at connect time, and never contacted', async () => {
    for (const jwks_uri of [`${forbiddenUrl}/jwks`, 'http://169.254.169.254/latest/meta-data/jwks']) {
      await assert.rejects(redeem(await sign({}), metadata({ jwks_uri })), (err: { status?: number; code?: string }) => err.status === 400 && err.code === 'idp_url_not_allowed', jwks_uri);
    }
    assert.deepEqual(forbiddenHits, []);
  });
});
