import assert from 'node:assert/strict';
import { DomainDataState } from '@workos-inc/node';
import type { TxtDnsServer } from '@wos/platform/testing';
import type { E2e } from './e2e-stack';
import { Browser, type SamlIdp } from './sso-peers';
import { ScimClient, patch, GROUP_SCHEMA, USER_SCHEMA } from './scim-client';

/*
 * What the Java suite (test/java) cannot make through the Java SDK alone: a SAML connection to
 * the test IdP, a directory an IdP provisioned over SCIM, a domain with its TXT record published,
 * a second environment, and the lifecycles that produce the event types the SDK alone cannot
 * (connections, directories, memberships, a refused SSO code). Returned as the WOS_* variables.
 */
export async function prepareJavaFixtures(e: E2e, idp: SamlIdp, dns: TxtDnsServer, redirectUri: string): Promise<Record<string, string>> {
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
