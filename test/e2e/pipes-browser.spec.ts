import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { uniqueSuffix } from '@wos/platform/testing';
import { startE2e, type E2e } from '../support/e2e-stack';
import { startFakeOAuthProvider, type FakeOAuthProvider } from '../support/fake-oauth-provider';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const APP = 'https://app.example.com/integrations/done';
const USER = 'user_01JZ0000000000000000000B01';

/**
 * A Pipes connection in headless Chromium: the app's backend gets the authorization URL through
 * the SDK, the browser opens it, the user clicks "Allow" on the provider's consent page, the
 * provider redirects to our public callback, which exchanges the code (PKCE) and redirects to the
 * app's return_to (intercepted: nothing serves app.example.com). The SDK then gets a token.
 */
describe('Pipes connect flow in headless Chromium', () => {
  let e: E2e;
  let idp: FakeOAuthProvider;
  let browser: Browser;
  const slug = `browserco-${uniqueSuffix()}`;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: tools/setup.sh installs Debian's chromium`);
    idp = await startFakeOAuthProvider();
    idp.consentPage = true;
    e = await startE2e({ name: 'pipes_browser', portOffset: 13500, apps: ['organizations', 'vault', 'pipes'] });
    await e.workos.pipes.createDataIntegration({
      provider: slug,
      enabled: true,
      scopes: ['read'],
      customProvider: { name: 'BrowserCo', authorizationUrl: `${idp.url}/authorize`, tokenUrl: `${idp.url}/token` },
      credentials: { type: 'custom', clientId: idp.clientId, clientSecret: idp.clientSecret },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
  });
  after(async () => {
    await browser?.close();
    await e?.stop();
    await idp?.stop();
  });

  /** Resolves with the first navigation to the app's return_to, answered locally. */
  function landing(page: Page, timeoutMs = 60_000): Promise<URL> {
    return new Promise((resolveLanding, reject) => {
      const timer = setTimeout(() => void page.content().then((html) => reject(new Error(`never reached ${APP}; stopped at ${page.url()}: ${html.slice(0, 300)}`)), reject), timeoutMs);
      void page.route(`${APP}**`, async (route) => {
        clearTimeout(timer);
        resolveLanding(new URL(route.request().url()));
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>connected</p>' });
      });
    });
  }

  async function run(decision: 'Allow' | 'Deny', userId: string): Promise<URL> {
    const { url } = await e.workos.pipes.authorizeDataIntegration({ slug, userId, returnTo: APP });
    const page = await browser.newPage();
    try {
      const landed = landing(page);
      await page.goto(url);
      await page.getByRole('button', { name: decision }).click();
      return await landed;
    } finally {
      await page.close();
    }
  }

  test('Allow: the browser lands on return_to with status=connected, and the SDK gets a working token', async () => {
    const landed = await run('Allow', USER);
    assert.equal(landed.searchParams.get('status'), 'connected');
    assert.equal(idp.lastAuthorize?.get('code_challenge_method'), 'S256');
    const t = await e.workos.pipes.getAccessToken({ provider: slug, userId: USER });
    assert.ok(t.active);
    assert.ok(idp.isValid(t.accessToken.accessToken));
    assert.equal((await e.workos.pipes.getUserConnectedAccount({ userId: USER, slug })).state, 'connected');
  });

  test('Deny: the browser lands on return_to with the error, and nothing is connected', async () => {
    const user = 'user_01JZ0000000000000000000B02';
    const landed = await run('Deny', user);
    assert.equal(landed.searchParams.get('error'), 'provider_denied');
    assert.deepEqual(await e.workos.pipes.getAccessToken({ provider: slug, userId: user }), { active: false, error: 'not_installed' });
  });

  test('a callback replayed from browser history is refused (the state is single-use)', async () => {
    const { url } = await e.workos.pipes.authorizeDataIntegration({ slug, userId: USER, returnTo: APP });
    const page = await browser.newPage();
    try {
      let callbackUrl = '';
      page.on('request', (r) => {
        if (r.url().includes('/pipes/oauth/callback')) callbackUrl = r.url();
      });
      const landed = landing(page);
      await page.goto(url);
      await page.getByRole('button', { name: 'Allow' }).click();
      await landed;
      assert.ok(callbackUrl);
      const replay = await fetch(callbackUrl, { redirect: 'manual' });
      assert.equal(replay.status, 400);
      assert.equal(((await replay.json()) as { code: string }).code, 'invalid_state');
    } finally {
      await page.close();
    }
  });
});
