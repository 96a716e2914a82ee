import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DomainDataState } from '@workos-inc/node';
import { uniqueSuffix } from '@wos/platform/testing';
import { startBrowserSignIn, TestSamlIdp, type SamlIdp } from '../support/sso-peers';
import { startE2e, type E2e } from '../support/e2e-stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const APP = 'https://app.example.com/callback';

/**
 * Real browser runs (headless Chromium): the hosted AuthKit form filled in and submitted, and a
 * SAML sign-in whose IdP page auto-posts to the ACS with JavaScript, both ending at the app's
 * redirect URI (intercepted: nothing serves app.example.com) with a code the SDK exchanges.
 */
describe('sign-in in headless Chromium', () => {
  let e: E2e;
  let idp: SamlIdp;
  let browser: Browser;
  let connectionId: string;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: tools/setup.sh installs Debian's chromium`);
    e = await startE2e({ name: 'browser_signin', portOffset: 9000, apps: ['organizations', 'events', 'identity', 'sso'] });
    await e.addRedirectUri(APP);
    idp = await TestSamlIdp.start();
    // The IdP is trusted for the organization's verified domain, so its new users sign in at once.
    const org = await e.workos.organizations.createOrganization({ name: 'Browser Corp', domainData: [{ domain: 'browser.example', state: DomainDataState.Verified }] });
    const created = await e.http('POST', '/connections', {
      key: true,
      body: { name: 'Okta', connection_type: 'OktaSAML', organization_id: org.id, saml: { idp_metadata_xml: idp.metadataXml() }, activate: true },
    });
    assert.equal(created.status, 201, created.text);
    connectionId = (created.json as { id: string }).id;
    idp.trust(((await e.http('GET', `/connections/${connectionId}/sp_metadata`, { key: true })).json as { metadata_xml: string }).metadata_xml);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
  });
  after(async () => {
    await browser?.close();
    await idp?.close();
    await e?.stop();
  });

  /** Resolves with the first navigation to the app's redirect URI, which is answered locally. */
  function landing(page: Page, timeoutMs = 60_000): Promise<URL> {
    return new Promise((resolveLanding, reject) => {
      const timer = setTimeout(() => {
        void page.content().then((html) => reject(new Error(`never reached ${APP}; stopped at ${page.url()}: ${html.slice(0, 500)}`)), reject);
      }, timeoutMs);
      void page.route(`${APP}**`, async (route) => {
        clearTimeout(timer);
        resolveLanding(new URL(route.request().url()));
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>signed in</p>' });
      });
    });
  }

  test('the hosted AuthKit form: type the password, submit, land on the app with a code', async () => {
    const email = `browser-${uniqueSuffix()}@example.com`;
    const password = 'a browser typed this password';
    await e.workos.userManagement.createUser({ email, password, emailVerified: true });
    const page = await browser.newPage();
    const landed = landing(page);
    await page.goto(e.workos.userManagement.getAuthorizationUrl({ provider: 'authkit', redirectUri: APP, state: 'browser-state', clientId: e.creds.client_id }));
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    const url = await landed;
    assert.equal(url.searchParams.get('state'), 'browser-state');
    const auth = await e.workos.userManagement.authenticateWithCode({ code: url.searchParams.get('code')!, clientId: e.creds.client_id });
    assert.equal(auth.user.email, email);
    await page.close();
  });

  test('SAML through AuthKit: the IdP page auto-posts to the ACS, the user is created and signed in', async () => {
    idp.user = { nameId: 'chrome@browser.example', attributes: { email: 'chrome@browser.example', firstName: 'Chrome', lastName: 'Headless' } };
    const page = await browser.newPage();
    const landed = landing(page);
    await startBrowserSignIn(page, e.workos.userManagement.getAuthorizationUrl({ connectionId, redirectUri: APP, state: 'saml-state', clientId: e.creds.client_id }));
    const url = await landed;
    assert.equal(url.searchParams.get('state'), 'saml-state');
    const auth = await e.workos.userManagement.authenticateWithCode({ code: url.searchParams.get('code')!, clientId: e.creds.client_id });
    assert.equal(auth.user.email, 'chrome@browser.example');
    assert.equal(auth.authenticationMethod, 'SSO');
    await page.close();
  });
});
