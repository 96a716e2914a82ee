import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { ConnectionsService } from '../connections/connections.service';
import type { ConnectionWithDomains, SamlSettings } from '../connections/connections.dto';
import { SignInService, type ClientInfo } from '../signin/signin.service';
import { SignInStateStore } from '../signin/signin-state.store';
import { SignInFailedError } from '../signin/signin.errors';
import { CLOCK_REASONS, SamlRejection, SamlServiceProvider } from './saml-sp';

/**
 * The SAML Assertion Consumer Service. Order matters: the signature and conditions are
 * checked before anything in the response is trusted; then the replay mark, then the pending
 * request the signed InResponseTo names (or the connection's IdP-initiated permission).
 */
@Injectable()
export class AcsService {
  /* Validators per connection version: building one parses certificates and options. */
  private readonly providers = new Map<string, { version: number; sp: SamlServiceProvider }>();

  constructor(
    private readonly connections: ConnectionsService,
    private readonly signIn: SignInService,
    private readonly store: SignInStateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async consume(connectionId: string, body: { SAMLResponse?: unknown; RelayState?: unknown }, client: ClientInfo): Promise<string> {
    const conn = await this.connections.findForCallback(connectionId);
    if (!conn || conn.protocol !== 'saml') throw new SignInFailedError('connection_not_found', `There is no SAML connection ${connectionId}.`);
    const fail = (reason: string, message: string) => this.signIn.fail(conn.environmentId, conn, reason, message, client);
    if (conn.state !== 'active') return fail('connection_inactive', `Connection ${conn.id} is ${conn.state}, not active.`);
    if (typeof body?.SAMLResponse !== 'string' || !body.SAMLResponse) return fail('malformed_response', 'The POST carries no SAMLResponse.');

    let assertion;
    try {
      assertion = await this.provider(conn).validate(body.SAMLResponse);
    } catch (err) {
      if (!(err instanceof SamlRejection)) throw err;
      // A clock refusal of the portal's self-test goes back to the portal (no code), so the IT admin sees it.
      const pending = err.inResponseTo && CLOCK_REASONS.has(err.reason) ? await this.store.takePendingBySamlRequest(err.inResponseTo) : undefined;
      if (pending?.selfTest && pending.connectionId === conn.id) {
        return this.signIn.failOrReport({ connection: conn, redirectUri: pending.redirectUri, state: pending.state, selfTest: true }, err.reason, err.message, client);
      }
      return fail(err.reason, err.message);
    }
    if (!(await this.store.markAssertionUsed(conn.id, assertion.assertionId, assertion.replayUntilMs))) {
      return fail('assertion_replayed', `Assertion ${assertion.assertionId} was already used.`);
    }
    const settings = conn.settings as unknown as SamlSettings;
    if (assertion.inResponseTo) {
      const pending = await this.store.takePendingBySamlRequest(assertion.inResponseTo);
      if (!pending || pending.connectionId !== conn.id) {
        return fail('in_response_to_mismatch', 'The response answers no pending sign-in request of this connection (InResponseTo).');
      }
      return this.signIn.complete(
        { connection: conn, redirectUri: pending.redirectUri, state: pending.state, clientId: pending.clientId, codeChallenge: pending.codeChallenge, selfTest: pending.selfTest, subject: assertion.nameId, attributes: assertion.attributes },
        client,
      );
    }
    if (!settings.allow_idp_initiated || !settings.idp_initiated_redirect_uri) {
      return fail('idp_initiated_disabled', 'IdP-initiated sign-in is turned off for this connection.');
    }
    const relay = typeof body.RelayState === 'string' && body.RelayState.length <= 1024 ? body.RelayState : undefined;
    return this.signIn.complete(
      { connection: conn, redirectUri: settings.idp_initiated_redirect_uri, state: relay, subject: assertion.nameId, attributes: assertion.attributes },
      client,
    );
  }

  private provider(conn: ConnectionWithDomains): SamlServiceProvider {
    const version = conn.updatedAt.getTime();
    const cached = this.providers.get(conn.id);
    if (cached?.version === version) return cached.sp;
    const settings = conn.settings as unknown as SamlSettings;
    // The SP key is opened only where it decrypts assertions (the ACS never signs).
    const sp = new SamlServiceProvider(settings, this.config.SSO_CLOCK_SKEW_SECONDS * 1000, settings.encrypt_assertions ? this.connections.openSecret(conn) : undefined);
    if (this.providers.size > 1000) this.providers.clear();
    this.providers.set(conn.id, { version, sp });
    return sp;
  }
}
