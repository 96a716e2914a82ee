import type { IncomingMessage, ServerResponse } from 'node:http';

/*
 * The part of oidc-provider 9's API this server uses. The package ships no types and is ESM;
 * Node ≥ 22.12 loads it with require (DESIGN.md: "loaded with require").
 */
export interface OidcClient {
  clientId: string;
  clientAuthMethod: string;
  metadata(): Record<string, unknown>;
}
export interface OidcGrant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(indicator: string, scope: string): void;
  getOIDCScope(): string;
  /** Resource indicator → its granted scopes (space-separated). */
  resources?: Record<string, string>;
  save(): Promise<string>;
}
export interface InteractionDetails {
  uid: string;
  grantId?: string;
  params: Record<string, string | undefined>;
  prompt: { name: 'login' | 'consent' | string; reasons: string[]; details: Record<string, unknown> };
  session?: { accountId?: string };
  lastSubmission?: Record<string, unknown>;
}
export interface OidcProvider {
  issuer: string;
  proxy: boolean;
  Client: { prototype: { compareClientSecret(this: OidcClient, actual: string): Promise<boolean> }; find(id: string): Promise<OidcClient | undefined> };
  Grant: { new (init: { accountId: string; clientId: string }): OidcGrant; find(id: string): Promise<OidcGrant | undefined> };
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionResult(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, opts?: { mergeWithLastSubmission?: boolean }): Promise<string>;
  on(event: string, listener: (...args: unknown[]) => void): void;
}
export interface OidcModule {
  Provider: new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;
  errors: Record<string, new (description?: string, detail?: string) => Error>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const oidc = require('oidc-provider') as OidcModule;
