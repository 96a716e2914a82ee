import { createHash, randomBytes } from 'node:crypto';

/**
 * A user agent without a browser for OAuth flows against the gateway: a cookie jar (name → value;
 * paths are ignored, which only adds cookies the server then ignores) and manual redirects.
 */
export class OAuthAgent {
  private readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  /** One request; stores Set-Cookie; returns the response without following redirects. */
  async request(method: string, url: string, body?: URLSearchParams): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(new URL(url, this.baseUrl), { method, headers, body: body?.toString(), redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Follows redirects until a response is not a redirect or its target starts with `stopAt`. */
  async follow(method: string, url: string, stopAt: string, body?: URLSearchParams): Promise<{ res: Response; url: string }> {
    let res = await this.request(method, url, body);
    let current = new URL(url, this.baseUrl).toString();
    for (let hops = 0; hops < 15 && res.status >= 300 && res.status < 400; hops++) {
      const next = new URL(res.headers.get('location')!, current).toString();
      if (next.startsWith(stopAt)) return { res, url: next };
      current = next;
      res = await this.request('GET', next);
    }
    return { res, url: current };
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const unescapeHtml = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The hosted sign-in page's password form: where it posts and its CSRF token (the flow cookie is in the jar). */
export function passwordForm(html: string): { action: string; csrf: string } | undefined {
  const action = /<form method="post" action="([^"]*\/password[^"]*)"/.exec(html)?.[1];
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  return action && csrf && html.includes('type="password"') ? { action: unescapeHtml(action), csrf: unescapeHtml(csrf) } : undefined;
}

/**
 * Runs an authorization-code flow through AuthKit's password sign-in up to the app's redirect,
 * approving consent when asked; returns the redirect URL with `code` (or `error`).
 */
export async function authorizeWithPassword(
  agent: OAuthAgent,
  authorizeUrl: string,
  redirectUri: string,
  user: { email: string; password: string },
  consent: 'allow' | 'deny' = 'allow',
): Promise<{ redirect: URL; sawConsent: boolean }> {
  let { res, url } = await agent.follow('GET', authorizeUrl, redirectUri);
  let sawConsent = false;
  for (let step = 0; step < 4; step++) {
    if (url.startsWith(redirectUri)) return { redirect: new URL(url), sawConsent };
    const html = await res.text();
    if (res.status !== 200) throw new Error(`unexpected ${res.status} at ${url}: ${html.slice(0, 500)}`);
    const signIn = passwordForm(html);
    if (signIn) {
      const form = new URLSearchParams({ email: user.email, password: user.password, csrf_token: signIn.csrf });
      ({ res, url } = await agent.follow('POST', new URL(signIn.action, url).toString(), redirectUri, form));
    } else if (html.includes('id="allow"')) {
      sawConsent = true;
      const action = /action="([^"]+\/(?:confirm|abort))"/g;
      const actions = [...html.matchAll(action)].map((m) => m[1]!);
      const target = actions.find((a) => a.endsWith(consent === 'allow' ? '/confirm' : '/abort'))!;
      ({ res, url } = await agent.follow('POST', target, redirectUri, new URLSearchParams()));
    } else {
      throw new Error(`unexpected page at ${url}: ${html.slice(0, 500)}`);
    }
  }
  throw new Error('the flow did not reach the redirect URI');
}
