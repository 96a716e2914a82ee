import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { newId, randomToken, safeEqual, ValidationError } from '@wos/platform';
import { OIDC_TYPES, protocolOf, SAML_TYPES } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../../config';
import type { PortalSession, SsoTestResult } from '../../generated/prisma/client';
import { LinksService, portalPath } from '../../links/links.service';
import { checkProfile, checkRefusal, type SsoReport, type TestedProfile } from '../../portal-core/sso-checks';
import { UpstreamClient } from '../../upstream/upstream.client';
import { PortalSessionCache } from '../session-cache';
import { SsoTestsRepository, type PendingSsoTest } from './sso-tests.repository';

export const PORTAL_SSO_TYPES = [...SAML_TYPES, ...OIDC_TYPES];
/** The client ID the portal's test sign-ins carry at the sso service (never an environment's). */
const TEST_CLIENT_ID = 'admin-portal';

export interface ConnectionView {
  id: string;
  connection_type: string;
  state: string;
}
/** A SAML connection's SP details (sso's `sp_metadata` without the metadata XML). */
export interface SpView {
  acs_url: string;
  entity_id: string;
  metadata_url: string;
  /** PEM, when the connection signs its requests. */
  signing_certificate: string | null;
  /** PEM, when the IdP must encrypt its assertions (a plaintext one is refused). */
  encryption_certificate: string | null;
}
/** Where the sso service takes an OIDC IdP's answer (apps/sso's `/sso/oidc/callback`), on the gateway's public URL. */
export const SSO_OIDC_CALLBACK_PATH = '/sso/oidc/callback';

export interface TestReport extends Partial<SsoReport> {
  error?: string;
  profile?: TestedProfile;
}

/**
 * The SSO page's actions, all through the sso service's API for the session's environment and
 * organization: create and delete a connection (its events are the sso service's), and the
 * self-test, a real sign-in through the IdP to a portal callback whose code is redeemed with
 * PKCE like any app's.
 */
@Injectable()
export class PortalSsoService {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly tests: SsoTestsRepository,
    private readonly cache: PortalSessionCache,
    private readonly links: LinksService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The redirect URI an IT admin registers for our client at their OIDC IdP: the sso service's
   * callback, one for every connection (the connection is carried in the sign-in's state).
   */
  oidcRedirectUri(): string {
    return `${this.config.PUBLIC_BASE_URL}${SSO_OIDC_CALLBACK_PATH}`;
  }

  /**
   * The organization's newest connection, its SP details (SAML) and its last test. The connection
   * and SP details are one call, sso's internal read for the session's environment (signed) and
   * organization (the path). The last test of the connection the previous render saw is read
   * alongside it, and read again only when sso names another connection.
   */
  async state(s: PortalSession): Promise<{ connection: ConnectionView | null; sp: SpView | null; last: SsoTestResult | null }> {
    const seen = this.cache.get<string>(s, 'sso_connection_id');
    const [{ connection, sp }, lastOfSeen] = await Promise.all([
      this.upstream.must<{ connection: ConnectionView | null; sp: SpView | null }>('sso', s.environmentId, 'GET', `/internal/sso/organizations/${encodeURIComponent(s.organizationId)}/portal_view`),
      seen ? this.tests.latest(s.environmentId, s.organizationId, seen) : null,
    ]);
    if (!connection) return { connection: null, sp: null, last: null };
    this.cache.set(s, 'sso_connection_id', connection.id);
    const last = seen === connection.id ? lastOfSeen : await this.tests.latest(s.environmentId, s.organizationId, connection.id);
    return { connection, sp, last };
  }

  /** The organization's newest connection (the list is filtered by the session's organization). */
  private async newestConnection(s: PortalSession): Promise<ConnectionView | null> {
    const list = await this.upstream.must<{ data: ConnectionView[] }>('sso', s.environmentId, 'GET', `/connections?${new URLSearchParams({ organization_id: s.organizationId, limit: '1', order: 'desc' })}`);
    return list.data[0] ?? null;
  }

  /** Creates the organization's connection from the form (SAML metadata XML or URL; OIDC discovery and client). */
  async create(s: PortalSession, organizationName: string, f: Record<string, string>): Promise<void> {
    const type = f.connection_type ?? '';
    const protocol = protocolOf(type);
    if (!PORTAL_SSO_TYPES.includes(type as never) || !protocol) throw new ValidationError([{ field: 'connection_type', code: 'invalid_connection_type', message: 'Choose an identity provider.' }]);
    // Pasted XML, or the same document uploaded as a file (a multipart form's file field, read as text).
    const xml = f.metadata_xml?.trim() || f.metadata_file?.trim();
    const metadataUrl = f.metadata_url?.trim();
    let settings: Record<string, unknown>;
    if (protocol === 'saml') {
      if (!xml === !metadataUrl) throw new ValidationError([{ field: 'metadata_xml', code: 'metadata_required', message: 'Give either the metadata XML (pasted or as a file) or the metadata URL.' }]);
      // The sso service bounds the XML (512 KiB) and fetches a URL through its SSRF-safe IdP fetch.
      settings = { saml: xml ? { idp_metadata_xml: xml } : { idp_metadata_url: metadataUrl } };
    } else {
      settings = { oidc: { discovery_url: f.discovery_url?.trim(), client_id: f.client_id?.trim(), client_secret: f.client_secret } };
    }
    await this.upstream.must('sso', s.environmentId, 'POST', '/connections', { organization_id: s.organizationId, name: `${organizationName} ${type}`.slice(0, 255), connection_type: type, ...settings });
  }

  /** Deletes the organization's connection (only one of this organization: the list is filtered by it). */
  async delete(s: PortalSession): Promise<void> {
    const connection = await this.newestConnection(s);
    if (connection) await this.upstream.must('sso', s.environmentId, 'DELETE', `/connections/${connection.id}`);
  }

  /** Starts the self-test: activates the connection if needed, and returns the IdP URL to send the browser to. */
  async startTest(s: PortalSession): Promise<string> {
    const connection = await this.newestConnection(s);
    if (!connection) throw new ValidationError([{ field: 'connection', code: 'no_connection', message: 'Save a connection first.' }]);
    if (connection.state !== 'active') await this.upstream.must('sso', s.environmentId, 'POST', `/connections/${connection.id}/activate`);
    const pending: PendingSsoTest = { state: randomToken(24), verifier: randomToken(32), connectionId: connection.id, startedAt: new Date().toISOString() };
    await this.tests.setPending(s.environmentId, s.tokenHash, pending);
    const q = new URLSearchParams({
      client_id: TEST_CLIENT_ID,
      redirect_uri: this.callbackUrl(s),
      response_type: 'code',
      connection: connection.id,
      state: pending.state,
      code_challenge: createHash('sha256').update(pending.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    const r = await this.upstream.call<{ message?: string }>('sso', s.environmentId, 'GET', `/sso/authorize?${q}`);
    if (r.status !== 302) throw new ValidationError([{ field: 'connection', code: 'authorize_refused', message: r.body.message ?? 'The sso service refused to start the sign-in.' }]);
    return r.location!;
  }

  /** The IdP came back: redeem the code (PKCE), judge the profile, and record the result. */
  async finishTest(s: PortalSession, q: { code?: string; state?: string; error?: string; error_description?: string }): Promise<SsoTestResult> {
    const pending = s.pendingSsoTest as PendingSsoTest | null;
    if (!pending || !q.state || !safeEqual(q.state, pending.state)) throw new ValidationError([{ field: 'state', code: 'invalid_state', message: 'This test result does not belong to the test started in this browser.' }]);
    await this.tests.setPending(s.environmentId, s.tokenHash, null);
    let report: TestReport;
    if (q.error || !q.code) {
      const reason = (q.error ?? 'no_code').slice(0, 100);
      report = { error: `${reason}${q.error_description ? `: ${q.error_description}` : ''}`.slice(0, 500), ...checkRefusal(reason) };
    } else {
      const r = await this.upstream.call<{ profile?: TestedProfile; message?: string; error_description?: string }>('sso', s.environmentId, 'POST', '/sso/token', {
        client_id: TEST_CLIENT_ID, grant_type: 'authorization_code', code: q.code.slice(0, 512), code_verifier: pending.verifier,
      });
      if (r.status !== 200 || !r.body.profile) report = { error: String(r.body.error_description ?? r.body.message ?? 'The code could not be redeemed.') };
      else {
        const p = r.body.profile;
        const profile: TestedProfile = { idp_id: p.idp_id, email: p.email, first_name: p.first_name ?? null, last_name: p.last_name ?? null, ...(p.groups ? { groups: p.groups } : {}), raw_attributes: p.raw_attributes ?? {} };
        const previous = await this.tests.previousIdpId(s.environmentId, s.organizationId, pending.connectionId, profile.email);
        report = { profile, ...checkProfile(profile, previous) };
      }
    }
    // Dropped once the result is written: the next render of this session's SSO page shows it.
    try {
      return await this.tests.record({
        id: newId('sso_test'),
        environmentId: s.environmentId,
        organizationId: s.organizationId,
        connectionId: pending.connectionId,
        outcome: report.error ? 'failed' : 'passed',
        report: report as object,
      });
    } finally {
      await this.links.sessionWritten(s);
    }
  }

  private callbackUrl(s: PortalSession): string {
    return `${this.config.PUBLIC_BASE_URL}${portalPath(s.organizationId)}/sso/test/callback`;
  }
}
