import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './e2e-stack';

/*
 * The SAML IdP and browser stand-ins live with the sso app's tests (apps/sso/test/support) and
 * are built with them; end-to-end files load them from there through these types.
 */
export interface SamlIdp {
  user: { nameId: string; attributes: Record<string, string | string[]> };
  /** Bends the browser flow's responses, e.g. `{ notBefore, notOnOrAfter }` for an IdP clock that is off. */
  browserOverrides: { notBefore?: Date; notOnOrAfter?: Date; subjectNotBefore?: Date; subjectNotOnOrAfter?: Date | null };
  metadataXml(): string;
  trust(spMetadataXml: string): void;
  /** A signed SAMLResponse (base64) for `user`; `inResponseTo: null` makes it IdP-initiated. */
  respond(o?: { inResponseTo?: string | null }): Promise<string>;
  close(): Promise<void>;
}
export interface BrowserLike {
  browse(start: string, stopAt: string): Promise<{ landed?: URL; status: number; body: string; steps: string[] }>;
}

const support = resolve(ROOT, 'apps', 'sso', 'dist', 'test', 'support');
export const { TestSamlIdp } = require(`${support}/saml-idp.js`) as { TestSamlIdp: { start(): Promise<SamlIdp> } };
export const { Browser } = require(`${support}/browser.js`) as { Browser: new () => BrowserLike };

/** An OpenID Provider (oidc-provider) that signs in `user` at once; it also stands in for OAuth providers. */
export interface OidcIdp {
  readonly issuer: string;
  user: { sub: string; claims: Record<string, unknown> };
  close(): Promise<void>;
}
export const { TestOidcIdp } = require(`${support}/oidc-idp.js`) as {
  TestOidcIdp: { start(clients: { client_id: string; client_secret: string; redirect_uris: string[] }[]): Promise<OidcIdp> };
};

/**
 * Opens a sign-in URL whose redirect chain reaches the test IdP's self-posting form. That form can
 * post, and the chain go on to the ACS and the app's callback, before Playwright has seen the first
 * page commit; the goto then fails as "interrupted by another navigation", which is the flow
 * working. Any other failure is thrown. Callers wait on where the chain lands, never on the goto.
 */
export async function startBrowserSignIn(page: Page, url: string): Promise<void> {
  try {
    await page.goto(url, { waitUntil: 'commit' });
  } catch (err) {
    if (!/interrupted by another navigation/.test((err as Error).message)) throw err;
  }
}
