import { createServer, type Server } from 'node:http';

export interface OidcUser {
  sub: string;
  claims: Record<string, unknown>;
}

/**
 * An OpenID Provider built on `oidc-provider`. Its interaction page signs in `user` at once (no
 * login form), as a user who is already signed in at the IdP would experience it.
 */
export class TestOidcIdp {
  user: OidcUser = { sub: 'user-1', claims: { email: 'oidc@example.com', email_verified: true } };

  private constructor(
    readonly issuer: string,
    private readonly server: Server,
  ) {}

  static async start(clients: { client_id: string; client_secret: string; redirect_uris: string[] }[]): Promise<TestOidcIdp> {
    // oidc-provider 9 is ESM; Node 24 loads it with require.
    const { default: Provider } = require('oidc-provider') as { default: new (issuer: string, config: unknown) => any };
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const t = new TestOidcIdp(issuer, server);
    const provider = new Provider(issuer, {
      clients: clients.map((c) => ({ ...c, grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' })),
      findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, ...(t.user.sub === sub ? t.user.claims : {}) }) }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name', 'preferred_username'], groups: ['groups'] },
      scopes: ['openid', 'email', 'profile', 'groups'],
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      pkce: { required: () => true },
      cookies: { keys: ['test-cookie-key'] },
    });
    server.on('request', (req, res) => {
      if (!req.url?.startsWith('/interaction/')) return provider.callback()(req, res);
      void (async () => {
        try {
          const details = await provider.interactionDetails(req, res);
          const grant = new provider.Grant({ accountId: t.user.sub, clientId: details.params.client_id });
          grant.addOIDCScope(String(details.params.scope));
          const grantId = await grant.save();
          await provider.interactionFinished(req, res, { login: { accountId: t.user.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
        } catch (err) {
          res.statusCode = 500;
          res.end(String((err as Error).stack));
        }
      })();
    });
    return t;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
