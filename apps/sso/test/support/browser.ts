/**
 * A browser-style HTTP client: follows redirects, submits auto-posting HTML forms (the SAML POST
 * binding) and keeps cookies per host, until it is sent to a URL under `stopAt` (the app's
 * redirect_uri, which nothing serves). Returns that URL, or the page where the flow stopped.
 */
export interface BrowseResult {
  /** The redirect_uri URL with `code`/`state`, when the flow reached it. */
  landed?: URL;
  /** Otherwise: the last response. */
  status: number;
  body: string;
  steps: string[];
}

export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  async browse(start: string, stopAt: string, first: RequestInit = {}): Promise<BrowseResult> {
    let url = start;
    let init: RequestInit = first;
    const steps: string[] = [];
    for (let hop = 0; hop < 20; hop++) {
      if (url.startsWith(stopAt)) return { landed: new URL(url), status: 0, body: '', steps };
      steps.push(`${init.method ?? 'GET'} ${url}`);
      const u = new URL(url);
      const headers = new Headers(init.headers);
      const cookies = this.jar.get(u.host);
      if (cookies?.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
      headers.set('user-agent', 'sso-test-browser');
      const res = await fetch(url, { ...init, headers, redirect: 'manual' });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const eq = pair!.indexOf('=');
        if (!this.jar.has(u.host)) this.jar.set(u.host, new Map());
        this.jar.get(u.host)!.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
      }
      const body = await res.text();
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url).toString();
        init = {};
        continue;
      }
      const form = /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(body);
      if (res.status === 200 && form && /onload|autosubmit|submit\(\)/i.test(body)) {
        const fields = new URLSearchParams();
        for (const m of form[2]!.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi)) fields.append(unescape(m[1]!), unescape(m[2]!));
        url = new URL(unescape(form[1]!), url).toString();
        init = { method: 'POST', body: fields.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
        continue;
      }
      return { status: res.status, body, steps };
    }
    throw new Error(`too many hops: ${steps.join(' → ')}`);
  }
}

function unescape(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x2F;/g, '/').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
