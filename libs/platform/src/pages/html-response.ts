import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A fresh CSP nonce for one response's inline script. */
export const newNonce = () => randomBytes(16).toString('base64');

/** A request header's first value, bounded (1 KiB) before anyone parses it. */
export function headerOf(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v)?.slice(0, 1024);
}

/** A cookie's value from the request (only the first 4 KiB of the header is read). */
export function cookieValue(req: FastifyRequest, name: string): string | undefined {
  const header = headerOf(req, 'cookie');
  if (!header) return undefined;
  for (const part of header.slice(0, 4096).split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** True when the browser reached the gateway over https (the cookie then gets `Secure`). */
export const viaHttps = (req: FastifyRequest) => headerOf(req, 'x-forwarded-proto') === 'https';

/**
 * Sends a server-rendered page with the headers every hosted page carries: no caching, no
 * framing, no referrer (tokens can sit in URLs), and a CSP that allows inline styles, data:
 * images and only the script carrying this response's nonce. No form-action by default: browsers
 * apply it to the redirect after a form post, which may go to an app or an IdP; a page whose
 * posts never leave its origin adds it (and any other directive) through `csp`.
 */
export function sendHtml(reply: FastifyReply, status: number, html: string, p: { locale: string; nonce: string; csp?: string }) {
  return reply
    .status(status)
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('content-language', p.locale)
    .header('vary', 'accept-language, cookie')
    .header('content-security-policy', `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'nonce-${p.nonce}'; ${p.csp ? `${p.csp}; ` : ''}base-uri 'none'; frame-ancestors 'none'`)
    .type('text/html; charset=utf-8')
    .send(html);
}
