import { Inject, Injectable } from '@nestjs/common';
import { isIP } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { AddressPolicy, BadRequestError, UnsafeAddressError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import type { ProviderDefinition } from '../pipes-core/providers';

export interface TokenEndpointAnswer {
  status: number;
  /** The parsed JSON (or form-encoded) body; null when it was neither. */
  body: unknown;
}

/**
 * Calls providers' token endpoints. Invariants: every connection's address passes the platform's
 * outbound address policy at connect time (so a custom provider's URL can never reach a private,
 * link-local or loopback address outside PIPES_ALLOWED_PROVIDER_CIDRS, even after a DNS change);
 * redirects are never followed; each call ends within PIPES_PROVIDER_TIMEOUT_MS; at most
 * PIPES_PROVIDER_MAX_RESPONSE_BYTES of an answer are read. A network failure is an answer with
 * status 0, never an exception, so callers treat it like a provider outage.
 */
@Injectable()
export class ProviderClient {
  private readonly policy: AddressPolicy;
  private readonly agent: Agent;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.policy = new AddressPolicy(config.PIPES_ALLOWED_PROVIDER_CIDRS, 'PIPES_ALLOWED_PROVIDER_CIDRS');
    this.agent = new Agent({ connect: { lookup: this.policy.lookup, timeout: config.PIPES_PROVIDER_TIMEOUT_MS }, headersTimeout: config.PIPES_PROVIDER_TIMEOUT_MS, bodyTimeout: config.PIPES_PROVIDER_TIMEOUT_MS });
  }

  /** A custom provider's URL, checked when it is saved: https (or http where allowed) and an allowed address. */
  async checkUrl(url: string, field: string): Promise<void> {
    const parsed = this.parse(url, field);
    try {
      await this.policy.resolveSafely(parsed.hostname);
    } catch (err) {
      if (err instanceof UnsafeAddressError) throw new BadRequestError('provider_url_not_allowed', `${field} is not allowed: ${err.message}.`);
      throw new BadRequestError('provider_url_unresolvable', `${field} does not resolve.`);
    }
  }

  parse(url: string, field: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new BadRequestError('invalid_provider_url', `${field} is not a valid URL.`);
    }
    if (parsed.protocol !== 'https:' && !(this.config.PIPES_ALLOW_HTTP_PROVIDER_URLS && parsed.protocol === 'http:')) {
      throw new BadRequestError('invalid_provider_url', `${field} must use https.`);
    }
    if (parsed.username || parsed.password) throw new BadRequestError('invalid_provider_url', `${field} must not carry credentials.`);
    return parsed;
  }

  /** POSTs a token request (RFC 6749 §4.1.3, §6, §4.4) with the client authenticated as the provider wants. */
  async tokenRequest(
    url: string,
    provider: ProviderDefinition,
    client: { id: string; secret: string | null },
    params: Record<string, string>,
  ): Promise<TokenEndpointAnswer> {
    const fields: Record<string, string> = { ...params };
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'wos-pipes' };
    if (provider.authenticateVia === 'basic_auth_header' && client.secret !== null) {
      // RFC 6749 §2.3.1: each part form-encoded before base64.
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
    } else {
      fields.client_id = client.id;
      if (client.secret !== null) fields.client_secret = client.secret;
    }
    const json = provider.tokenBodyContentType === 'application/json';
    headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
    const body = json ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
    try {
      const parsed = new URL(url);
      const host = parsed.hostname.replace(/^\[|\]$/g, '');
      // An IP literal never reaches the agent's lookup; judge it here.
      if (isIP(host)) await this.policy.resolveSafely(host);
      const res = await undiciFetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'error',
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.config.PIPES_PROVIDER_TIMEOUT_MS),
      });
      const text = await this.readCapped(res);
      if (text === null) return { status: 0, body: null };
      return { status: res.status, body: parseBody(text, res.headers.get('content-type') ?? '') };
    } catch {
      return { status: 0, body: null };
    }
  }

  private async readCapped(res: Awaited<ReturnType<typeof undiciFetch>>): Promise<string | null> {
    const max = this.config.PIPES_PROVIDER_MAX_RESPONSE_BYTES;
    const chunks: Uint8Array[] = [];
    let size = 0;
    // Leaving the loop early cancels the stream, which aborts the request.
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength;
      if (size > max) return null;
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

function parseBody(text: string, contentType: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // GitHub answers form-encoded unless asked for JSON; accept either.
    if (contentType.includes('application/x-www-form-urlencoded') || /^[\w.-]+=/.test(text)) return Object.fromEntries(new URLSearchParams(text));
    return null;
  }
}
