import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small RFC 6749 authorization server for Pipes tests: the authorization-code grant with PKCE
 * (RFC 7636, S256), refresh tokens that ROTATE (each refresh invalidates the one it used, so two
 * concurrent refreshes of one account would make the second fail with invalid_grant), the
 * client-credentials grant, short-lived access tokens, and switches for an outage and revocation.
 * It counts every grant it serves, which is how tests prove that exactly one refresh happened.
 */
export interface FakeOAuthProvider {
  url: string;
  clientId: string;
  clientSecret: string;
  /** `tokenRequests` counts every POST /token, answered or not (an outage included). */
  counts: { tokenRequests: number; codeExchanges: number; refreshes: number; clientCredentials: number; rejected: number };
  /** Access-token lifetime in seconds for the next tokens issued. */
  accessTokenTtlSeconds: number;
  /** Delay before answering a refresh (widens the window in which concurrent callers overlap). */
  refreshDelayMs: number;
  /** While true, /token answers 503. */
  down: boolean;
  /** The last PKCE method and scope seen at /authorize. */
  lastAuthorize: URLSearchParams | null;
  /** When true, /authorize shows a consent page (Allow / Deny buttons) instead of redirecting at once. */
  consentPage: boolean;
  /** True when `token` is an access token this provider issued and has not revoked. */
  isValid(token: string): boolean;
  /** Revokes every grant: refresh tokens and access tokens stop working (invalid_grant). */
  revokeAll(): void;
  stop(): Promise<void>;
}

interface Grant {
  userId: string;
  scope: string;
  revoked: boolean;
}

export async function startFakeOAuthProvider(opts: { clientId?: string; clientSecret?: string } = {}): Promise<FakeOAuthProvider> {
  const clientId = opts.clientId ?? 'fake_client';
  const clientSecret = opts.clientSecret ?? randomBytes(12).toString('hex');
  const codes = new Map<string, { redirectUri: string; challenge: string | null; grant: Grant }>();
  const refreshTokens = new Map<string, Grant>();
  const accessTokens = new Map<string, { grant: Grant; expiresAt: number }>();
  const grants: Grant[] = [];
  let n = 0;

  const p: FakeOAuthProvider = {
    url: '',
    clientId,
    clientSecret,
    counts: { tokenRequests: 0, codeExchanges: 0, refreshes: 0, clientCredentials: 0, rejected: 0 },
    accessTokenTtlSeconds: 3600,
    refreshDelayMs: 0,
    down: false,
    lastAuthorize: null,
    consentPage: false,
    isValid(token) {
      const t = accessTokens.get(token);
      return !!t && !t.grant.revoked && t.expiresAt > Date.now();
    },
    revokeAll() {
      for (const g of grants) g.revoked = true;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const issue = (grant: Grant, withRefresh: boolean) => {
    const access = `at_${++n}_${randomBytes(8).toString('hex')}`;
    accessTokens.set(access, { grant, expiresAt: Date.now() + p.accessTokenTtlSeconds * 1000 });
    const body: Record<string, unknown> = { access_token: access, token_type: 'Bearer', expires_in: p.accessTokenTtlSeconds, scope: grant.scope };
    if (withRefresh) {
      const refresh = `rt_${n}_${randomBytes(8).toString('hex')}`;
      refreshTokens.set(refresh, grant);
      body.refresh_token = refresh;
    }
    return body;
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: ServerResponse, status: number, error: string, description?: string) => {
    p.counts.rejected++;
    json(res, status, { error, ...(description ? { error_description: description } : {}) });
  };

  const server: Server = createServer((req, res) => void handle(req, res).catch((err: Error) => json(res, 500, { error: 'server_error', error_description: err.message })));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/authorize' && p.consentPage) {
      p.lastAuthorize = url.searchParams;
      const hidden = [...url.searchParams].map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end(`<!doctype html><title>FakeCo consent</title><form method="post" action="/authorize">${hidden}<p>Allow access to ${esc(url.searchParams.get('scope') ?? '')}?</p><button name="decision" value="allow">Allow</button><button name="decision" value="deny">Deny</button></form>`);
    }
    if ((req.method === 'GET' && url.pathname === '/authorize') || (req.method === 'POST' && url.pathname === '/authorize')) {
      const q = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
      if (req.method === 'GET') p.lastAuthorize = q;
      if (q.get('decision') === 'deny') q.set('login_hint', 'deny');
      const redirectUri = q.get('redirect_uri') ?? '';
      if (q.get('client_id') !== clientId || !redirectUri) return json(res, 400, { error: 'invalid_request' });
      const back = new URL(redirectUri);
      back.searchParams.set('state', q.get('state') ?? '');
      if (q.get('login_hint') === 'deny') back.searchParams.set('error', 'access_denied');
      else {
        const code = `code_${randomBytes(12).toString('hex')}`;
        const grant: Grant = { userId: 'provider-user-1', scope: q.get('scope') ?? '', revoked: false };
        grants.push(grant);
        codes.set(code, { redirectUri, challenge: q.get('code_challenge_method') === 'S256' ? q.get('code_challenge') : null, grant });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.toString() });
      return void res.end();
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      p.counts.tokenRequests++;
      const raw = await readBody(req);
      const form = (req.headers['content-type'] ?? '').includes('json') ? new URLSearchParams(JSON.parse(raw) as Record<string, string>) : new URLSearchParams(raw);
      if (p.down) return json(res, 503, { error: 'temporarily_unavailable' });
      let id = form.get('client_id');
      let secret = form.get('client_secret');
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      if (basic) [id, secret] = Buffer.from(basic[1]!, 'base64').toString().split(':').map(decodeURIComponent) as [string, string];
      switch (form.get('grant_type')) {
        case 'authorization_code': {
          if (id !== clientId || secret !== clientSecret) return refuse(res, 401, 'invalid_client');
          const c = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          if (!c || c.redirectUri !== form.get('redirect_uri')) return refuse(res, 400, 'invalid_grant', 'unknown code or redirect_uri mismatch');
          if (c.challenge && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') !== c.challenge) return refuse(res, 400, 'invalid_grant', 'PKCE verification failed');
          p.counts.codeExchanges++;
          return json(res, 200, issue(c.grant, true));
        }
        case 'refresh_token': {
          if (id !== clientId || secret !== clientSecret) return refuse(res, 401, 'invalid_client');
          p.counts.refreshes++;
          if (p.refreshDelayMs) await new Promise((r) => setTimeout(r, p.refreshDelayMs));
          const token = form.get('refresh_token') ?? '';
          const grant = refreshTokens.get(token);
          refreshTokens.delete(token); // rotation: a refresh token works once
          if (!grant || grant.revoked) return refuse(res, 400, 'invalid_grant', 'refresh token revoked or already used');
          return json(res, 200, issue(grant, true));
        }
        case 'client_credentials': {
          if (!id || !secret || !id.startsWith('cc_') || secret !== `${id}_secret`) return refuse(res, 401, 'invalid_client');
          p.counts.clientCredentials++;
          const grant: Grant = { userId: id, scope: form.get('scope') ?? '', revoked: false };
          grants.push(grant);
          return json(res, 200, issue(grant, false));
        }
        default:
          return refuse(res, 400, 'unsupported_grant_type');
      }
    }
    json(res, 404, { error: 'not_found' });
  }

  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => resolve(body));
    });
  }
  const esc = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  p.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return p;
}
