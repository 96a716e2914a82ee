import assert from 'node:assert/strict';
import { DomainDataState } from '@workos-inc/node';
import type { TxtDnsServer } from '@wos/platform/testing';
import type { E2e } from './e2e-stack';
import { Browser, type OidcIdp, type SamlIdp } from './sso-peers';
import { authorizeWithPassword, OAuthAgent, pkcePair } from './oauth-agent';
import { ScimClient, patch, GROUP_SCHEMA, USER_SCHEMA } from './scim-client';

/*
 * What the Java suite (test/java) cannot make through the Java SDK alone: a SAML connection to
 * the test IdP, a directory an IdP provisioned over SCIM, a domain with its TXT record published,
 * a second environment, and the lifecycles that produce the event types the SDK alone cannot
 * (connections, directories, memberships, a refused SSO code). Returned as the WOS_* variables.
 */
export async function prepareJavaFixtures(e: E2e, idp: SamlIdp, dns: TxtDnsServer, redirectUri: string, oidc: OidcIdp): Promise<Record<string, string>> {
  await e.addRedirectUri(redirectUri);
  const other = await e.createEnvironment('java-sdk-other');
  const sso = await samlConnection(e, idp, 'Java SSO Corp', 'java-sso.example');
  const ssoEmail = 'grace@java-sso.example';
  idp.user = { nameId: ssoEmail, attributes: { email: ssoEmail, firstName: 'Grace', lastName: 'Hopper' } };
  const directory = await provisionedDirectory(e);
  const domainId = await domainWithTxtRecord(e, dns);
  await connectionLifecycle(e, idp);
  await refusedSsoCode(e, sso.connectionId, redirectUri);
  await directoryLifecycle(e);
  await membershipLifecycle(e);
  // Radar would block the fixtures' HTTP agent (a bot's User-Agent) at the hosted sign-in.
  const quiet = await e.http('PUT', '/radar/settings', { key: true, body: { bot_detection: { mode: 'log' } } });
  assert.equal(quiet.status, 200, quiet.text);
  const oidcProfileId = await oidcProfile(e, oidc, redirectUri);
  const connect = await connectAuthorization(e);
  const radar = await radarChallenge(e);
  const logStream = await pausedLogStream(e);
  return {
    WOS_BASE_URL: e.baseUrl,
    WOS_API_KEY: e.creds.api_key,
    WOS_CLIENT_ID: e.creds.client_id,
    WOS_REDIRECT_URI: redirectUri,
    WOS_OTHER_API_KEY: other.api_key,
    WOS_SSO_CONNECTION_ID: sso.connectionId,
    WOS_SSO_ORGANIZATION_ID: sso.organizationId,
    WOS_SSO_EMAIL: ssoEmail,
    WOS_DIRECTORY_ID: directory.directoryId,
    WOS_DIRECTORY_ORGANIZATION_ID: directory.organizationId,
    WOS_VERIFIABLE_DOMAIN_ID: domainId,
    WOS_OIDC_PROFILE_ID: oidcProfileId,
    WOS_OIDC_ISSUER: oidc.issuer,
    WOS_CONNECT_USER_ID: connect.userId,
    WOS_CONNECT_APP_ID: connect.applicationId,
    WOS_CONNECT_ORG_ID: connect.organizationId,
    WOS_RADAR_API_KEY: radar.apiKey,
    WOS_RADAR_CHALLENGE_ID: radar.challengeId,
    WOS_RADAR_USER_ID: radar.userId,
    WOS_RADAR_EMAIL: radar.email,
    WOS_LOG_STREAM_ORG_ID: logStream.organizationId,
    WOS_LOG_STREAM_ID: logStream.id,
  };
}

/** An active OktaSAML connection to the test IdP; `trust` makes the IdP answer this SP (it answers one at a time). */
async function samlConnection(e: E2e, idp: SamlIdp, orgName: string, domain: string, trust = true): Promise<{ connectionId: string; organizationId: string }> {
  // The IdP vouches for the organization's verified domain, so SSO accepts its users' profiles.
  const org = await e.workos.organizations.createOrganization({ name: orgName, domainData: [{ domain, state: DomainDataState.Verified }] });
  const res = await e.http('POST', '/connections', {
    key: true,
    body: { name: 'Okta', connection_type: 'OktaSAML', organization_id: org.id, domains: [domain], saml: { idp_metadata_xml: idp.metadataXml() }, activate: true },
  });
  assert.equal(res.status, 201, res.text);
  const connectionId = (res.json as { id: string }).id;
  if (trust) {
    const sp = await e.http('GET', `/connections/${connectionId}/sp_metadata`, { key: true });
    idp.trust((sp.json as { metadata_xml: string }).metadata_xml);
  }
  return { connectionId, organizationId: org.id };
}

interface CreatedDirectory {
  id: string;
  base_url: string;
  bearer_token: string;
}

async function newDirectory(e: E2e, organizationId: string): Promise<CreatedDirectory> {
  const res = await e.http('POST', '/directories', { key: true, body: { organization_id: organizationId, name: 'Okta', type: 'okta scim v2.0' } });
  assert.equal(res.status, 201, res.text);
  return res.json as CreatedDirectory;
}

/**
 * An Okta SCIM push the Java tests read: Jane and John in Engineering, John deactivated. On the
 * way, a temporary user and group come and go, and Engineering is renamed back and forth.
 */
async function provisionedDirectory(e: E2e): Promise<{ directoryId: string; organizationId: string }> {
  const org = await e.workos.organizations.createOrganization({ name: 'Java Directory Corp' });
  const dir = await newDirectory(e, org.id);
  const scim = new ScimClient(dir.base_url, dir.bearer_token);
  const user = (given: string) => ({
    schemas: [USER_SCHEMA],
    userName: `${given.toLowerCase()}@dsync-java.test`,
    name: { givenName: given, familyName: 'Doe' },
    emails: [{ primary: true, value: `${given.toLowerCase()}@dsync-java.test` }],
    active: true,
  });
  const jane = await scim.expect(201, 'POST', '/Users', user('Jane'));
  const john = await scim.expect(201, 'POST', '/Users', user('John'));
  const temp = await scim.expect(201, 'POST', '/Users', user('Temp'));
  const eng = await scim.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [{ value: jane.id }, { value: john.id }, { value: temp.id }] });
  await scim.expect(200, 'PATCH', `/Groups/${eng.id}`, patch({ op: 'remove', path: `members[value eq "${temp.id}"]` }));
  await scim.expect(204, 'DELETE', `/Users/${temp.id}`);
  await scim.expect(200, 'PATCH', `/Groups/${eng.id}`, patch({ op: 'replace', value: { displayName: 'Eng' } }));
  await scim.expect(200, 'PATCH', `/Groups/${eng.id}`, patch({ op: 'replace', value: { displayName: 'Engineering' } }));
  const gone = await scim.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Short-lived' });
  await scim.expect(204, 'DELETE', `/Groups/${gone.id}`);
  await scim.expect(200, 'PATCH', `/Users/${john.id}`, patch({ op: 'replace', value: { active: false } }));
  return { directoryId: dir.id, organizationId: org.id };
}

/** A domain whose verification token is published on the test DNS server. */
async function domainWithTxtRecord(e: E2e, dns: TxtDnsServer): Promise<string> {
  const org = await e.workos.organizations.createOrganization({ name: 'Java Domain Corp' });
  const domain = await e.workos.organizationDomains.createOrganizationDomain({ organizationId: org.id, domain: 'verified.java-sdk.test' });
  dns.setTxt(`${domain.verificationPrefix}.${domain.domain}`, [domain.verificationToken!]);
  return domain.id;
}

/** connection.activated, .deactivated and .deleted of a second connection. */
async function connectionLifecycle(e: E2e, idp: SamlIdp): Promise<void> {
  const { connectionId } = await samlConnection(e, idp, 'Java Short-lived SSO', 'java-gone.example', false);
  const off = await e.http('POST', `/connections/${connectionId}/deactivate`, { key: true });
  assert.equal(off.status, 200, off.text);
  await e.workos.sso.deleteConnection(connectionId);
}

/** authentication.sso_failed: a code redeemed twice (the Node SDK without retries sends no Idempotency-Key). */
async function refusedSsoCode(e: E2e, connectionId: string, redirectUri: string): Promise<void> {
  const url = e.workos.sso.getAuthorizationUrl({ connection: connectionId, clientId: e.creds.client_id, redirectUri });
  const landed = (await new Browser().browse(url, redirectUri)).landed;
  assert.ok(landed, 'the SAML sign-in reached the redirect URI');
  const code = landed.searchParams.get('code')!;
  await e.workos.sso.getProfileAndToken({ code, clientId: e.creds.client_id });
  await assert.rejects(e.workos.sso.getProfileAndToken({ code, clientId: e.creds.client_id }));
}

/** dsync.token.revoked and dsync.deleted of a second directory. */
async function directoryLifecycle(e: E2e): Promise<void> {
  const org = await e.workos.organizations.createOrganization({ name: 'Java Short-lived Directory' });
  const dir = await newDirectory(e, org.id);
  const rotated = await e.http('POST', `/directories/${dir.id}/token`, { key: true });
  assert.equal(rotated.status, 201, rotated.text);
  await e.workos.directorySync.deleteDirectory(dir.id);
}

/** organization_membership.created, .updated and .deleted. */
async function membershipLifecycle(e: E2e): Promise<void> {
  const org = await e.workos.organizations.createOrganization({ name: 'Java Membership Corp' });
  const user = await e.workos.userManagement.createUser({ email: 'member@java-fixtures.test' });
  const m = await e.workos.userManagement.createOrganizationMembership({ organizationId: org.id, userId: user.id });
  await e.workos.userManagement.updateOrganizationMembership(m.id, { roleSlug: 'admin' });
  await e.workos.userManagement.deleteOrganizationMembership(m.id);
}

/** A profile from one sign-in through an OIDC connection whose IdP publishes an end_session_endpoint (SSO logout). */
async function oidcProfile(e: E2e, oidc: OidcIdp, redirectUri: string): Promise<string> {
  const org = await e.workos.organizations.createOrganization({ name: 'Java OIDC Corp', domainData: [{ domain: 'java-oidc.example', state: DomainDataState.Verified }] });
  const res = await e.http('POST', '/connections', {
    key: true,
    body: { name: 'OIDC', connection_type: 'GenericOIDC', organization_id: org.id, oidc: { discovery_url: `${oidc.issuer}/.well-known/openid-configuration`, client_id: 'java-oidc', client_secret: 'java-oidc-secret' }, activate: true },
  });
  assert.equal(res.status, 201, res.text);
  oidc.user = { sub: 'java-oidc-lin', claims: { email: 'lin@java-oidc.example', email_verified: true } };
  const url = e.workos.sso.getAuthorizationUrl({ connection: (res.json as { id: string }).id, clientId: e.creds.client_id, redirectUri });
  const landed = (await new Browser().browse(url, redirectUri)).landed;
  assert.ok(landed, 'the OIDC sign-in reached the redirect URI');
  const { profile } = await e.workos.sso.getProfileAndToken({ code: landed.searchParams.get('code')!, clientId: e.creds.client_id });
  return profile.id;
}

/** A member of an organization who consented to a third-party Connect application (authorized applications). */
async function connectAuthorization(e: E2e): Promise<{ userId: string; applicationId: string; organizationId: string }> {
  const redirect = 'https://java-connect.example/callback';
  const password = 'java connect password 4';
  const org = await e.workos.organizations.createOrganization({ name: 'Java Connect Corp' });
  const user = await e.workos.userManagement.createUser({ email: 'grantor@java-fixtures.test', password, emailVerified: true });
  await e.workos.userManagement.createOrganizationMembership({ organizationId: org.id, userId: user.id });
  const app = await e.workos.connect.createApplication({ applicationType: 'oauth', name: 'Java third party', isFirstParty: false, organizationId: org.id, redirectUris: [{ uri: redirect }] });
  const issuer = `${e.baseUrl}/oauth2/${e.creds.client_id}`;
  const { challenge } = pkcePair();
  const authorize = `${issuer}/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: redirect, response_type: 'code', scope: 'openid email', code_challenge: challenge, code_challenge_method: 'S256' })}`;
  const { sawConsent } = await authorizeWithPassword(new OAuthAgent(e.baseUrl), authorize, redirect, { email: user.email, password });
  assert.ok(sawConsent, 'the user consented');
  return { userId: user.id, applicationId: app.id, organizationId: org.id };
}

/** An email radar challenge of a sign-in in an environment of its own, whose radar challenges bots. */
async function radarChallenge(e: E2e): Promise<{ apiKey: string; challengeId: string; userId: string; email: string }> {
  const env = await e.createEnvironment('java-sdk-radar');
  const settings = await e.http('PUT', '/radar/settings', { key: env.api_key, body: { bot_detection: { mode: 'challenge' } } });
  assert.equal(settings.status, 200, settings.text);
  const email = 'challenged@java-fixtures.test';
  const password = 'java radar password 5';
  const user = await e.client(env.api_key).userManagement.createUser({ email, password, emailVerified: true });
  const res = await e.http('POST', '/user_management/authenticate', { key: env.api_key, body: { grant_type: 'password', client_id: env.client_id, email, password, user_agent: 'curl/8.5.0' } });
  assert.equal(res.status, 403, res.text);
  return { apiKey: env.api_key, challengeId: (res.json as { radar_challenge_id: string }).radar_challenge_id, userId: user.id, email };
}

/** A paused log stream (our API) of an organization, for its audit-log configuration. */
async function pausedLogStream(e: E2e): Promise<{ organizationId: string; id: string }> {
  const org = await e.workos.organizations.createOrganization({ name: 'Java Audit Corp' });
  const created = await e.http('POST', '/audit_logs/log_streams', { key: true, body: { organization_id: org.id, type: 'https', config: { url: 'http://127.0.0.1:9/audit' } } });
  assert.equal(created.status, 201, created.text);
  const id = (created.json as { id: string }).id;
  const paused = await e.http('PATCH', `/audit_logs/log_streams/${id}`, { key: true, body: { state: 'paused' } });
  assert.equal(paused.status, 200, paused.text);
  return { organizationId: org.id, id };
}
