import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { waitFor } from '@wos/platform/testing';
import { ROOT, type E2e } from '../support/e2e-stack';
import { CHROMIUM, signedInAs, signInOnHostedPage, startExampleStack, type TwoOrganizationMember } from '../support/authkit-examples';
/*
 * The app and the gateway on two names of one site, as in production (app.example.com and a
 * custom auth domain auth.example.com): off localhost, authkit-js runs in cookie mode (the refresh
 * token in an HttpOnly cookie of the API host, `workos-has-session` on the shared parent domain).
 * Chromium resolves both names to loopback.
 */
const APP_HOST = 'app.example.test';
const API_HOST = 'auth.example.test';

interface ExampleServer {
  port: number;
  close(): Promise<void>;
}

/**
 * examples/authkit-react, unchanged, configured with our gateway's hostname, port, https=false and
 * the environment's client ID: sign in through the hosted AuthKit page, the session survives a
 * reload (refresh cookie), switch organization, sign out (back to the app homepage URL).
 */
describe('@workos-inc/authkit-react example against the gateway, in Chromium', () => {
  let e: E2e;
  let browser: Browser;
  let app: ExampleServer;
  let appOrigin: string;
  let devOrigin: string;
  let member: TwoOrganizationMember;

  before(async () => {
    // Installed from the example's lockfile (npm registry) and bundled with esbuild.
    ({ e, member } = await startExampleStack('authkit-react', 15500, 'Ada'));

    const { startServer } = (await import(pathToFileURL(join(ROOT, 'examples', 'authkit-react', 'serve.mjs')).href)) as {
      startServer(o: { config: Record<string, unknown> }): Promise<ExampleServer>;
    };
    app = await startServer({ config: { clientId: e.creds.client_id, apiHostname: API_HOST, port: e.port, https: false } });
    appOrigin = `http://${APP_HOST}:${app.port}`;
    // The same page opened on localhost: authkit-js's devMode (refresh token in localStorage, no cookies).
    devOrigin = `http://localhost:${app.port}`;
    // What a WorkOS dashboard holds for such an app: its redirect URI (authkit-js uses the page's
    // origin), its CORS origin, and the homepage a sign-out without return_to lands on.
    for (const origin of [appOrigin, devOrigin]) {
      await e.addRedirectUri(origin);
      assert.equal((await e.http('POST', '/user_management/cors_origins', { key: true, body: { origin } })).status, 201);
    }
    assert.equal((await e.http('PUT', '/user_management/app_homepage_url', { key: true, body: { url: `${appOrigin}/` } })).status, 200);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-background-networking',
        `--host-resolver-rules=MAP ${APP_HOST} 127.0.0.1, MAP ${API_HOST} 127.0.0.1`,
        // authkit-js needs Web Crypto (PKCE), which browsers give secure contexts only: in
        // production the app is https; here its http origin is treated as one.
        `--unsafely-treat-insecure-origin-as-secure=${appOrigin}`,
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await e?.stop();
  });

  const text = (page: Page, id: string) => page.getByTestId(id).textContent({ timeout: 30_000 });
  const cookie = async (ctx: BrowserContext, name: string) => (await ctx.cookies(`http://${API_HOST}:${e.port}/user_management/authenticate`)).find((c) => c.name === name);

  /** Sign in through the hosted page from `origin`, then check the session, reload, switch organization and sign out. */
  async function signInFlow(origin: string, checkStorage: (ctx: BrowserContext) => Promise<void>, signOutLandsOn: string): Promise<void> {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const failures: string[] = [];
    page.on('requestfailed', (r) => failures.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    page.on('console', (m) => (m.type() === 'error' ? failures.push(`console: ${m.text()}`) : undefined));
    page.on('pageerror', (err) => failures.push(`page: ${err.message}`));

    await page.goto(origin);
    await page.getByTestId('signed-out').waitFor();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInOnHostedPage(page, `http://${API_HOST}:${e.port}`, member);

    await waitFor(async () => ((await page.getByTestId('user').count()) ? true : undefined), { timeoutMs: 30_000, message: `the app to show the user (${failures.join(' | ')})` });
    assert.match((await text(page, 'user'))!, signedInAs(member));
    assert.equal(await text(page, 'organization'), `Organization: ${member.orgA}`);
    assert.equal(await text(page, 'role'), 'Role: admin');
    assert.ok(!page.url().includes('code='), 'authkit-js removed the code from the URL');
    await checkStorage(ctx);

    // A reload starts from nothing in memory: the refresh token kept by the mode brings the session back.
    await page.reload();
    assert.equal(await text(page, 'organization'), `Organization: ${member.orgA}`);
    assert.match((await text(page, 'user'))!, /Signed in as/);

    await page.fill('#organization-id', member.orgB);
    await page.getByRole('button', { name: 'Switch organization' }).click();
    await waitFor(async () => ((await text(page, 'organization')) === `Organization: ${member.orgB}` ? true : undefined), { timeoutMs: 15_000, message: 'the organization switch' });
    assert.equal(await text(page, 'role'), 'Role: member');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(signOutLandsOn);
    await page.getByTestId('signed-out').waitFor({ timeout: 30_000 });
    assert.equal(await cookie(ctx, `wos-refresh-${e.creds.client_id}`), undefined, 'no refresh cookie is left');
    assert.equal((await ctx.cookies(appOrigin)).find((c) => c.name === 'workos-has-session'), undefined);
    assert.deepEqual(failures.filter((f) => !f.includes('favicon')), []);
    await ctx.close();
  }

  const sessionStates = async () => (await e.workos.userManagement.listSessions(member.userId, { limit: 100 })).data.map((s) => s.status);

  test('cookie mode (app and API on one site): sign in, reload, switch organization, sign out to the app homepage', async () => {
    await signInFlow(
      appOrigin,
      async (ctx) => {
        const refresh = await cookie(ctx, `wos-refresh-${e.creds.client_id}`);
        assert.ok(refresh?.httpOnly, 'the refresh token is in an HttpOnly cookie of the API host');
        assert.equal(refresh.domain, API_HOST);
        const hasSession = (await ctx.cookies(appOrigin)).find((c) => c.name === 'workos-has-session');
        assert.equal(hasSession?.value, e.creds.client_id, "the app's own pages see which client has a session");
        assert.equal(hasSession.domain, '.example.test');
      },
      // signOut() without returnTo: the environment's app homepage URL.
      `${appOrigin}/`,
    );
    assert.deepEqual(await sessionStates(), ['revoked'], 'the session ended on the server');
  });

  test('devMode (the page on localhost): the refresh token in localStorage, no cookies', async () => {
    await signInFlow(
      devOrigin,
      async (ctx) => {
        assert.equal(await cookie(ctx, `wos-refresh-${e.creds.client_id}`), undefined, 'a request without credentials stores no cookie');
        const stored = (await ctx.storageState()).origins.find((o) => o.origin === devOrigin)?.localStorage.find((i) => i.name === `workos:refresh-token:${e.creds.client_id}`)?.value;
        assert.ok(stored, 'authkit-js keeps the refresh token in localStorage');
      },
      `${appOrigin}/`,
    );
    assert.deepEqual(await sessionStates(), ['revoked', 'revoked']);
  });
});
