import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { UnauthorizedException, WorkOS } from '@workos-inc/node';
import { internalFetch } from '@wos/platform';
import type { DashboardOwner } from '@wos/platform/stack';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { startBrowserSignIn, TestSamlIdp, type SamlIdp } from '../support/sso-peers';
import { ROOT, startE2e, type E2e } from '../support/e2e-stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of every console page (git-ignored); UPDATE_GALLERY=1 also copies them to docs/gallery/dashboard. */
const ARTIFACTS = join(ROOT, 'test', 'artifacts', 'dashboard');
const GALLERY = join(ROOT, 'docs', 'gallery', 'dashboard');
const APP = 'https://app.example.com/dashboard-callback';

/**
 * The Dashboard console end to end in headless Chromium: the owner printed by the bootstrap
 * signs in through the built-in environment's hosted AuthKit; API keys made in the UI work (and
 * stop working) in the official SDK; a redirect URI added in the UI carries an AuthKit sign-in;
 * an organization and its SAML connection are created in the UI; a read-only member's hand-made
 * POST to every form the owner sees is refused (403) with nothing changed; every page passes
 * axe-core and is photographed.
 */
describe('Dashboard', () => {
  let e: E2e;
  let browser: Browser;
  let owner: DashboardOwner;
  let ownerCtx: BrowserContext;
  let page: Page;
  let idp: SamlIdp;
  const env = () => e.creds.environment_id;
  const url = (rest: string) => `${e.baseUrl}/dashboard/e/${env()}/${rest}`;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: run tools/ensure-chromium.sh`);
    mkdirSync(ARTIFACTS, { recursive: true });
    e = await startE2e({
      name: 'dashboard',
      portOffset: 8000,
      apps: ['organizations', 'events', 'identity', 'sso', 'directory-sync', 'audit-logs', 'webhook-dispatcher', 'admin-portal', 'dashboard'],
      // A revoked key stops at once in the test, rather than after the default 30 s key cache.
      // The relay of this installation may also send for console.example.com (the email settings test).
      appEnv: { 'api-gateway': { API_KEY_CACHE_TTL_MS: '0' }, identity: { MAIL_SENDER_DOMAINS: 'console.example.com' } },
    });
    owner = await e.stack.bootstrapDashboard({ email: 'owner@dashboard.example.com' });
    idp = await TestSamlIdp.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
    ownerCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page = await ownerCtx.newPage();
  });
  after(async () => {
    await browser?.close();
    await idp?.close();
    await e?.stop();
  });

  async function inspect(p: Page, name: string): Promise<void> {
    const results = await new AxeBuilder({ page: p }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `axe on ${name} (${p.url()})`);
    const file = join(ARTIFACTS, `${name}.png`);
    await p.screenshot({ path: file, fullPage: true });
    if (process.env.UPDATE_GALLERY === '1') {
      mkdirSync(GALLERY, { recursive: true });
      copyFileSync(file, join(GALLERY, `${name}.png`));
    }
  }

  /** The page's "Script it" section carries each of these strings (real values of what it shows or just did). */
  async function scriptsShow(p: Page, values: string[]): Promise<void> {
    const text = await p.locator('section.scripts').innerText();
    for (const v of values) assert.ok(text.includes(v), `the scripts at ${p.url()} show ${v}:\n${text}`);
  }

  async function shows(p: Page, text: string): Promise<void> {
    try {
      await p.getByText(text).first().waitFor({ timeout: 20_000 });
    } catch {
      throw new Error(`"${text}" never showed; at ${p.url()}: ${(await p.locator('body').innerText()).slice(0, 600)}`);
    }
  }

  /** Signs in through the hosted AuthKit page and lands in the console. */
  async function signIn(p: Page, email: string, password: string, name?: string): Promise<void> {
    await p.goto(`${e.baseUrl}/dashboard`);
    await p.waitForURL(/\/user_management\/authorize/);
    if (name) await inspect(p, name);
    await p.fill('input[name=email]', email);
    await p.fill('input[name=password]', password);
    await p.click('button[type=submit]');
    await p.waitForURL(/\/dashboard\/(e\/|environments)/, { timeout: 30_000 });
  }

  /** An identity call in the built-in environment, signed as the gateway signs one (test setup only). */
  async function identity(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await internalFetch(
      `http://127.0.0.1:${e.stack.port('identity')}${path}`,
      { key: e.stack.internalAuthKey('identity'), audience: 'identity', environmentId: owner.environment_id },
      { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) },
    );
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  test('bootstrap is idempotent: same environment, client and organization; the owner is a user of the built-in environment', async () => {
    const again = await e.stack.bootstrapDashboard({ email: 'owner@dashboard.example.com' });
    assert.equal(again.environment_id, owner.environment_id);
    assert.equal(again.client_id, owner.client_id);
    assert.equal(again.organization_id, owner.organization_id);
    assert.match(owner.password, /^[A-Za-z0-9_-]{24}$/);
    owner = again; // the second run set a new password (no --file to keep it in)
    const users = await identity('GET', `/user_management/users?email=${encodeURIComponent(owner.email)}`);
    assert.equal((users.json.data as unknown[]).length, 1);
    // The built-in environment is the console's own: never offered in the switcher.
    const envs = await e.stack.runGatewayCli(['environments', 'list', '--json']);
    assert.equal((JSON.parse(envs) as Array<{ id: string; builtin: boolean }>).filter((x) => x.builtin).map((x) => x.id).join(), owner.environment_id);
  });

  test('an unsigned visitor is sent to sign in; a forged callback and a POST without a session are refused', async () => {
    const anon = await e.http('GET', '/dashboard/e/whatever/api-keys');
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.location, '/dashboard/sign-in');
    const forged = await e.http('GET', '/dashboard/callback?code=abc&state=def');
    assert.equal(forged.status, 400);
    const post = await e.http('POST', `/dashboard/e/${env()}/api-keys`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=x' });
    assert.equal(post.status, 403);
  });

  test('sign in as the printed owner; create an API key in the UI, use it from the SDK, revoke it in the UI, the SDK gets 401', async () => {
    await signIn(page, owner.email, owner.password, 'sign-in');
    await page.goto(url('api-keys'));
    await inspect(page, 'api-keys');
    await page.fill('#f-name', 'SDK key');
    await page.click('button:has-text("Create API key")');
    await shows(page, 'Shown once');
    const value = (await page.locator('#new-api-key').innerText()).trim();
    assert.match(value, /^sk_test_/);
    await inspect(page, 'api-key-created');
    const sdk = new WorkOS(value, { apiHostname: '127.0.0.1', port: e.port, https: false, maxRetries: 0 } as never);
    const org = await sdk.organizations.createOrganization({ name: `Made with a console key ${uniqueSuffix()}` });
    assert.match(org.id, /^org_/);
    // Reloading never shows the value again.
    await page.goto(url('api-keys'));
    assert.equal(await page.locator('#new-api-key').count(), 0);
    assert.ok((await page.content()).includes(`sk_test_…${value.slice(-4)}`) || (await page.content()).includes(value.slice(-4)));
    await page.click(`form[aria-label^="Revoke SDK key"] button`);
    await shows(page, 'API key revoked');
    await waitFor(async () => {
      try {
        await sdk.organizations.listOrganizations();
        return false;
      } catch (err) {
        return err instanceof UnauthorizedException;
      }
    }, { message: 'the revoked key still authenticates' });
  });

  // Runs before any other test signs a user in to the test environment, so the month's active users are exactly these three.
  test('usage: 3 users sign in twice each with the SDK; the page shows 3 monthly active users (still 3 on reload), the chart, the CSV and the rate-limit table', async () => {
    const users: Array<{ id: string; email: string }> = [];
    for (let i = 0; i < 3; i++) {
      const email = `mau-${i}-${uniqueSuffix()}@example.com`.toLowerCase();
      const password = 'a usage-counted password';
      const user = await e.workos.userManagement.createUser({ email, password, emailVerified: true });
      for (let n = 0; n < 2; n++) {
        const auth = await e.workos.userManagement.authenticateWithPassword({ clientId: e.creds.client_id, email, password });
        assert.equal(auth.user.id, user.id);
      }
      users.push({ id: user.id, email });
    }
    const mau = () => page.locator('#usage-mau').innerText();
    // The projection is fed by the events consumer: reload until it has caught up (bounded).
    await waitFor(async () => {
      const res = await page.goto(url('usage'));
      return res?.status() === 200 && (await mau()).trim() === '3';
    }, { timeoutMs: 30_000, intervalMs: 500, message: 'the usage page never showed 3 monthly active users' });
    await page.reload();
    assert.equal((await mau()).trim(), '3', 'still 3 after a further reload');
    const month = new Date().toISOString().slice(0, 7);
    assert.equal(await page.locator('#f-month').inputValue(), month);
    assert.equal((await page.locator('#usage-sso').innerText()).trim(), '0');
    // Each chart is one labelled image drawn on the server; its numbers are in a table too.
    assert.match((await page.locator('#dau-title').textContent()) ?? '', /^Daily active users, \w+ \d{4}$/);
    for (const [id, title] of [['mau-months', 'Monthly active users per month'], ['sso-months', 'Active SSO connections per month'], ['dir-months', 'Active directories per month']]) {
      assert.equal((await page.locator(`#${id}-title`).textContent())?.trim(), title);
      assert.equal(await page.locator(`svg.chart[role=img][aria-labelledby="${id}-title ${id}-desc"]`).count(), 1);
    }
    assert.equal((await page.locator('table', { has: page.locator('caption', { hasText: 'Usage per month' }) }).locator('tr', { hasText: /\d{4}/ }).first().locator('td').nth(1).innerText()).trim(), '3');
    const today = new Date().toISOString().slice(0, 10);
    assert.equal((await page.locator('table', { has: page.locator('caption', { hasText: 'Daily active users' }) }).locator('tr', { hasText: today }).locator('td').nth(1).innerText()).trim(), '3');
    // The SDK's calls went through the gateway with an API key: the rate-limit table shows that
    // bucket with all of them. The gateway flushes its counts each second, so the bucket can show
    // before the last calls' counts do: wait for the total, not for the row.
    const apiKeyTotal = page.locator('table', { has: page.locator('caption', { hasText: 'Rate-limit buckets' }) }).locator('tr', { hasText: 'api_key' }).locator('td').nth(1);
    await waitFor(async () => {
      await page.reload();
      return (await apiKeyTotal.count()) > 0 && Number(await apiKeyTotal.innerText()) >= 6;
    }, { timeoutMs: 15_000, intervalMs: 500, message: 'the rate-limit table never counted the 6 api_key calls' });
    // The window's requests and 429s per bucket are charts too, with their totals in a table.
    assert.match((await page.locator('#rl-requests-title').textContent()) ?? '', /^Requests per rate-limit bucket, last \d+ minutes$/);
    assert.match((await page.locator('#rl-limited-title').textContent()) ?? '', /^Refused requests \(429\) per rate-limit bucket/);
    // The month's exact sums per bucket (the events service's): in once the gateway's minute has ended, with their CSV.
    const monthTable = page.locator('table', { has: page.locator('caption', { hasText: 'Rate limits in ' }) });
    await waitFor(async () => {
      await page.reload();
      return (await monthTable.locator('td code', { hasText: /^api_key$/ }).count()) > 0 ? true : undefined;
    }, { timeoutMs: 120_000, intervalMs: 2000, message: "the month's rate-limit table never showed the api_key bucket" });
    assert.ok(Number(await monthTable.locator('tr', { hasText: 'api_key' }).locator('td').nth(1).innerText()) >= 6);
    assert.match((await page.locator('#rl-month-requests-title').textContent()) ?? '', /^Requests per rate-limit bucket, \w+ \d{4}$/);
    assert.match((await page.locator('#usage-rate-limits-csv').getAttribute('href')) ?? '', /\/usage\/export\.csv\?month=\d{4}-\d{2}&report=rate_limits$/);
    const usageScripts = await page.locator('section.scripts').innerText();
    for (const s of [`wos usage --month ${month}`, `/usage?month=${month}`, 'wos usage --months', '/usage/months', 'wos usage --rate-limits --minutes 60', '/usage/rate_limits?minutes=60']) assert.ok(usageScripts.includes(s), `usage scripts show ${s}`);
    await inspect(page, 'usage');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#usage-csv')]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.split(/\r?\n/).filter(Boolean);
    assert.equal(lines.length, 4, csv);
    assert.match(lines[0]!, /^user_id,/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]).sort(), users.map((u) => u.id).sort());
  });

  test('add a redirect URI in the UI, then complete an AuthKit sign-in with it', async () => {
    await page.goto(url('configuration'));
    await page.fill('#f-uri', APP);
    await page.click('button:has-text("Add redirect URI")');
    await shows(page, 'Redirect URI added');
    // The scripts are what was just done, with the URI just added (CLI and curl).
    await scriptsShow(page, [`wos redirect-uris add --environment ${env()} --uri ${APP}`, `"uri":"${APP}"`]);
    await page.fill('#f-origin', 'https://app.example.com');
    await page.click('button:has-text("Add CORS origin")');
    await shows(page, 'CORS origin added');
    await scriptsShow(page, [`wos cors-origins add --environment ${env()} --origin https://app.example.com`, '"origin":"https://app.example.com"']);
    await inspect(page, 'configuration');

    const email = `dash-${uniqueSuffix()}@example.com`;
    const password = 'a console-configured sign-in';
    await e.workos.userManagement.createUser({ email, password, emailVerified: true });
    const app = await browser.newPage();
    const landed = new Promise<URL>((resolve) => {
      void app.route(`${APP}**`, async (route) => {
        resolve(new URL(route.request().url()));
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>signed in</p>' });
      });
    });
    await app.goto(e.workos.userManagement.getAuthorizationUrl({ provider: 'authkit', redirectUri: APP, state: 'dash', clientId: e.creds.client_id }));
    await app.fill('input[name=email]', email);
    await app.fill('input[name=password]', password);
    await app.click('button[type=submit]');
    const back = await landed;
    const auth = await e.workos.userManagement.authenticateWithCode({ code: back.searchParams.get('code')!, clientId: e.creds.client_id });
    assert.equal(auth.user.email, email);
    await app.close();
  });

  let orgId: string;
  let connectionId: string;

  test('create an organization and a SAML connection in the UI, then sign in through it', async () => {
    const domain = `${uniqueSuffix()}.dash.test`.toLowerCase();
    await page.goto(url('organizations'));
    await page.fill('#f-name', 'Console Corp');
    await page.fill('#f-domain', domain);
    await page.selectOption('#f-domain_state', 'verified');
    await page.click('button:has-text("Create organization")');
    await shows(page, 'Organization created');
    orgId = /\/organizations\/(org_[0-9A-Z]+)/.exec(page.url())![1]!;
    await scriptsShow(page, [`wos organizations create --name 'Console Corp' --domain ${domain} --domain-state verified`, `"name":"Console Corp","domain_data":[{"domain":"${domain}","state":"verified"}]`, `wos organizations get ${orgId}`]);
    const org = await e.workos.organizations.getOrganization(orgId);
    assert.equal(org.name, 'Console Corp');
    assert.deepEqual(org.domains.map((d) => [d.domain, d.state]), [[domain, 'verified']]);

    await page.fill('#f-name', 'Console Okta');
    await page.selectOption('#f-connection_type', 'OktaSAML');
    await page.fill('#f-metadata', idp.metadataXml());
    await page.click('button:has-text("Create SAML connection")');
    await shows(page, 'Service provider metadata');
    connectionId = /\/sso\/(conn_[0-9A-Z]+)/.exec(page.url())![1]!;
    await scriptsShow(page, [`wos connections create-saml --name 'Console Okta' --type OktaSAML --org ${orgId} --metadata-file`, `"name":"Console Okta","connection_type":"OktaSAML","organization_id":"${orgId}"`]);
    await page.click('button:has-text("Activate")');
    await shows(page, 'Connection activated');
    await scriptsShow(page, [`wos connections activate ${connectionId}`, `/connections/${connectionId}/activate`]);
    await inspect(page, 'sso-connection');
    idp.trust(((await e.http('GET', `/connections/${connectionId}/sp_metadata`, { key: true })).json as { metadata_xml: string }).metadata_xml);

    // The Admin Portal button hands out a single-use link for this organization.
    await page.goto(url(`organizations/${orgId}`));
    await page.click('button:has-text("Admin Portal link")');
    await shows(page, 'Single-use link');
    await scriptsShow(page, [`wos portal link ${orgId} --intent sso`, `"organization":"${orgId}","intent":"sso"`]);
    // A domain added on the page: the scripts name it.
    await page.fill('#f-domain', `more.${domain}`);
    await page.click('button:has-text("Add domain")');
    await shows(page, 'Domain added');
    await scriptsShow(page, [`wos organizations add-domain ${orgId} --domain more.${domain}`, `"organization_id":"${orgId}","domain":"more.${domain}"`]);
    await page.goto(url(`organizations/${orgId}`));
    await page.click('button:has-text("Admin Portal link")');
    await shows(page, 'Single-use link');
    assert.match(await page.locator('.notice a').innerText(), new RegExp(`/portal/o/${orgId}/launch\\?token=`));
    await inspect(page, 'organization');

    idp.user = { nameId: `ada@${domain}`, attributes: { email: `ada@${domain}`, firstName: 'Ada', lastName: 'Console' } };
    const app = await browser.newPage();
    const landed = new Promise<URL>((resolve) => {
      void app.route(`${APP}**`, async (route) => {
        resolve(new URL(route.request().url()));
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>signed in</p>' });
      });
    });
    await startBrowserSignIn(app, e.workos.userManagement.getAuthorizationUrl({ connectionId, redirectUri: APP, state: 'saml', clientId: e.creds.client_id }));
    const back = await landed;
    const auth = await e.workos.userManagement.authenticateWithCode({ code: back.searchParams.get('code')!, clientId: e.creds.client_id });
    assert.equal(auth.user.email, `ada@${domain}`);
    assert.equal(auth.authenticationMethod, 'SSO');

    // A refused sign-in (an address outside the organization's verified domains) never reaches the app.
    const ada = idp.user;
    idp.user = { nameId: 'mallory@elsewhere.example', attributes: { email: 'mallory@elsewhere.example' } };
    await startBrowserSignIn(app, e.workos.userManagement.getAuthorizationUrl({ connectionId, redirectUri: APP, state: 'saml', clientId: e.creds.client_id }));
    await app.waitForURL(/\/sso\/saml\/acs\//);
    await app.close();
    idp.user = ada; // the later tests look Ada up by the IdP's user

    // The connection page lists both, newest first, the refusal with its error (from sso's events).
    await waitFor(
      async () => {
        await page.goto(url(`sso/${connectionId}`));
        const rows = await page.locator('table:has(caption:has-text("Last sign-ins")) tbody tr').allInnerTexts();
        return rows.length >= 2 ? rows : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, message: 'both sign-ins on the connection page' },
    ).then((rows) => {
      assert.match(rows[0]!, /Failed[\s\S]*profile_not_allowed_outside_organization/);
      assert.match(rows[1]!, new RegExp(`Succeeded[\\s\\S]*ada@${domain.replace(/\./g, '\\.')}`));
    });
  });

  test("Settings: the email form sets the environment's sender and delivery; a domain the installation does not send for is refused", async () => {
    type Inbox = { data: Array<{ from: string; reply_to?: string; template: string }> };
    const inbox = async (to: string) => ((await e.http('GET', `/dev/mail/messages?to=${encodeURIComponent(to)}`)).json as Inbox).data;
    const mailTo = (to: string) => waitFor(async () => (await inbox(to))[0], { timeoutMs: 30_000, message: `an email to ${to} in the development inbox` });
    const saveEmail = async (fields: { from_name?: string; from_address?: string; reply_to?: string; delivery?: string }) => {
      await page.goto(url('settings'));
      for (const [name, value] of Object.entries(fields)) {
        if (name === 'delivery') await page.selectOption('#f-delivery', value);
        else await page.fill(`#f-${name}`, value);
      }
      await page.click('button:has-text("Save email settings")');
    };

    await saveEmail({ from_name: 'Acme Console', from_address: 'hello@console.example.com', reply_to: 'help@console.example.com', delivery: 'platform' });
    await shows(page, 'Email settings saved.');
    const wire = { from_name: 'Acme Console', from_address: 'hello@console.example.com', reply_to: 'help@console.example.com', delivery: 'platform' };
    assert.deepEqual(((await e.http('GET', '/user_management/authkit/settings', { key: true })).json as { email: unknown }).email, wire);
    assert.match(await page.locator('section.scripts').innerText(), /wos authkit set --email-delivery platform --from-name 'Acme Console'/);
    const to = `console-${uniqueSuffix()}@example.com`.toLowerCase();
    await e.workos.userManagement.createMagicAuth({ email: to });
    const mail = await mailTo(to);
    assert.equal(mail.from, 'Acme Console <hello@console.example.com>');
    assert.equal(mail.reply_to, 'help@console.example.com');

    // A domain this installation does not send for: refused with the field named, nothing changed.
    await saveEmail({ from_address: 'ceo@bank.example' });
    await shows(page, 'email.from_address');
    assert.deepEqual(((await e.http('GET', '/user_management/authkit/settings', { key: true })).json as { email: unknown }).email, wire);

    // Your own provider: the magic auth email is not sent, its event is; other emails still are.
    await saveEmail({ delivery: 'own_provider' });
    await shows(page, 'Email settings saved.');
    await shows(page, 'Your own provider');
    await inspect(page, 'settings-email');
    const own = `own-${uniqueSuffix()}@example.com`.toLowerCase();
    const magic = await e.workos.userManagement.createMagicAuth({ email: own });
    const changer = await e.workos.userManagement.createUser({ email: `changer-${uniqueSuffix()}@example.com`.toLowerCase() });
    const changed = `changed-${uniqueSuffix()}@example.com`.toLowerCase();
    const sent = await e.http('POST', `/user_management/users/${changer.id}/email_change/send`, { key: true, body: { new_email: changed } });
    assert.equal(sent.status, 200, sent.text);
    // The outbox sends in order on one replica: once the later email is in, the earlier one was decided.
    assert.equal((await mailTo(changed)).from, 'Acme Console <hello@console.example.com>');
    assert.deepEqual(await inbox(own), [], 'no magic auth email under own_provider');
    await waitFor(async () => (await e.workos.events.listEvents({ events: ['magic_auth.created'], limit: 100 })).data.find((ev) => (ev.data as { id: string }).id === magic.id), { timeoutMs: 30_000, message: 'magic_auth.created in the events API' });

    // Back to the platform for the rest of the suite.
    await saveEmail({ delivery: 'platform' });
    await shows(page, 'Email settings saved.');
  });

  let endpointId: string;

  /** Every POST form the owner is offered across the console's pages (sign-out aside): action and fields. */
  const forms: Array<{ page: string; action: string; fields: Record<string, string> }> = [];

  test('every page passes axe-core and is photographed; each page offers its wos CLI and curl equivalents with the real values', async () => {
    // Something to show on the directory, user and webhook pages.
    const dir = await e.http('POST', '/directories', { key: true, body: { organization_id: orgId, name: 'Console directory', type: 'okta scim v2.0' } });
    assert.equal(dir.status, 201, dir.text);
    const user = (await e.workos.userManagement.listUsers({ email: idp.user.attributes.email as string })).data[0]!;
    await page.goto(url('webhooks'));
    await page.fill('#f-endpoint_url', 'http://127.0.0.1:9/wos-webhooks');
    await page.fill('#f-events', 'user.created,organization.created');
    await page.click('button:has-text("Create endpoint")');
    await shows(page, 'shown once');
    await inspect(page, 'webhook-created');
    await scriptsShow(page, ['wos webhooks create --url http://127.0.0.1:9/wos-webhooks --events ', 'organization.created', '"endpoint_url":"http://127.0.0.1:9/wos-webhooks"']);
    endpointId = /href="[^"]*\/webhooks\/(we_[0-9A-Z]+)"/.exec(await page.content())![1]!;

    const dirId = (dir.json as { id: string }).id;
    // Each page: where it is, and values of its own that its scripts must carry (IDs, not placeholders).
    // Environments and Members are CLI only (no public API: docs/ARCHITECTURE.md "The Dashboard"); every other page shows both.
    const pages: Array<[string, string, string[]]> = [
      ['environments', `${e.baseUrl}/dashboard/environments`, ['wos environments list']],
      ['organizations', url('organizations'), ['wos organizations list', '/organizations?limit=100']],
      ['sso', url('sso'), ['wos connections list', '/connections?limit=100']],
      ['directories', url('directories'), ['wos directories list', '/directories?limit=100']],
      ['directory', url(`directories/${dirId}`), [`wos directories get ${dirId}`, `/directories/${dirId}`]],
      ['users', url('users'), ['wos users list', '/user_management/users?limit=100']],
      ['user', url(`users/${user.id}`), [`wos users get ${user.id}`, `wos users sessions ${user.id}`, `/user_management/users/${user.id}/sessions`]],
      ['events', url('events'), ['wos events tail', '/events?events=']],
      ['webhooks', url('webhooks'), ['wos webhooks list', '/webhook_endpoints?limit=100']],
      ['webhook', url(`webhooks/${endpointId}`), [`wos webhooks attempts ${endpointId}`, `/webhook_endpoints/${endpointId}/delivery_attempts`, `wos webhooks replay ${endpointId}`]],
      ['settings', url('settings'), ['wos authkit set --sign-up', '/user_management/authkit/settings']],
      ['usage', url('usage'), ['wos usage --month', '/usage?month=']],
      ['members', `${e.baseUrl}/dashboard/members`, ['wos dashboard bootstrap']],
      ['api-keys', url('api-keys'), [`wos api-keys list --environment ${env()}`, `an API key of ${env()}`]],
      ['configuration', url('configuration'), [`wos redirect-uris list --environment ${env()}`, '/user_management/redirect_uris']],
      ['organization', url(`organizations/${orgId}`), [`wos organizations get ${orgId}`, `/organizations/${orgId}`, `wos portal link ${orgId}`]],
      ['sso-connection', url(`sso/${connectionId}`), [`wos connections get ${connectionId}`, `/connections/${connectionId}/sp_metadata`]],
    ];
    const CLI_ONLY = new Set(['environments', 'members']);
    for (const [name, target, values] of pages) {
      const res = await page.goto(target);
      assert.equal(res!.status(), 200, `${name}: ${(await page.locator('body').innerText()).slice(0, 300)}`);
      const labels = await page.locator('section.scripts p.label').allInnerTexts();
      assert.ok(labels.includes('wos CLI'), `${name} shows a wos CLI command`);
      if (!CLI_ONLY.has(name)) assert.ok(labels.includes('curl'), `${name} shows a curl call`);
      await scriptsShow(page, values);
      assert.doesNotMatch(await page.locator('section.scripts').innerText(), /sk_(test|live)_[A-Za-z0-9]{8}/, `${name}: no API key in the scripts`);
      await inspect(page, name);
      for (const f of await page.locator('form[method=post]').evaluateAll((els) =>
        els.map((el) => {
          const fields = Array.from((el as unknown as { elements: ArrayLike<{ name: string; value: string }> }).elements).filter((x) => x.name);
          return { action: el.getAttribute('action')!, fields: Object.fromEntries(fields.map((x) => [x.name, x.value || 'x'])) };
        }),
      )) if (f.action !== '/dashboard/sign-out') forms.push({ page: name, ...f });
    }
    // The events page tails: a new event shows up without a reload.
    await page.goto(url('events'));
    const marker = `Tail Co ${uniqueSuffix()}`;
    await e.workos.organizations.createOrganization({ name: marker });
    await page.getByText(marker).first().waitFor({ state: 'attached', timeout: 30_000 });
    assert.ok(forms.length >= 15, `forms found: ${forms.length}`);
  });

  test('a read-only member sees no mutating form, and each of the owner\'s forms POSTed by hand is refused (403) with nothing changed', async () => {
    const email = `viewer-${uniqueSuffix()}@dashboard.example.com`.toLowerCase();
    await page.goto(`${e.baseUrl}/dashboard/members`);
    await page.fill('#f-email', email);
    await page.selectOption('#f-role', 'read_only');
    await page.click('button:has-text("Add member")');
    await shows(page, 'Member added');
    await inspect(page, 'members');
    // The invited person's account (the test stands in for them accepting the emailed invitation).
    const created = await identity('POST', '/user_management/users', { email, password: 'a read-only member password', email_verified: true });
    assert.equal(created.status, 201, JSON.stringify(created.json));

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const viewer = await ctx.newPage();
    await signIn(viewer, email, 'a read-only member password');
    const csrf = await viewer.locator('form[action="/dashboard/sign-out"] input[name=csrf_token]').inputValue();
    await viewer.goto(url('api-keys'));
    assert.equal(await viewer.locator('form[method=post]:not([action="/dashboard/sign-out"])').count(), 0);
    await inspect(viewer, 'read-only-api-keys');
    // Reading is any member's: the usage CSV downloads for a read-only member too.
    const csvRes = await ctx.request.get(url('usage/export.csv'), { maxRedirects: 0 });
    assert.equal(csvRes.status(), 200);
    assert.match(csvRes.headers()['content-type'] ?? '', /^text\/csv/);
    assert.match(await csvRes.text(), /^user_id,/);

    assert.ok(forms.length >= 15, 'the owner\'s forms were collected first');
    const keysBefore = await e.stack.runGatewayCli(['api-keys', 'list', '--environment', env(), '--json']);
    const orgsBefore = (await e.workos.organizations.listOrganizations({ limit: 100 })).data.length;
    for (const f of forms) {
      const res = await ctx.request.post(`${e.baseUrl}${f.action}`, { form: { ...f.fields, csrf_token: csrf }, maxRedirects: 0 });
      assert.equal(res.status(), 403, `${f.page}: POST ${f.action} answered ${res.status()}`);
    }
    assert.equal(await e.stack.runGatewayCli(['api-keys', 'list', '--environment', env(), '--json']), keysBefore);
    assert.equal((await e.workos.organizations.listOrganizations({ limit: 100 })).data.length, orgsBefore);
    // The owner's own hand-made POST with a wrong CSRF token is refused as well.
    const forged = await ownerCtx.request.post(url('api-keys'), { form: { name: 'forged', csrf_token: 'not-the-token' }, maxRedirects: 0 });
    assert.equal(forged.status(), 403);
    // Signing out is any member's, and audited.
    await viewer.goto(url('api-keys'));
    await viewer.click('form[action="/dashboard/sign-out"] button');
    await shows(viewer, 'Signed out');
    await ctx.close();
  });

  test('search from the console: users by email prefix, organizations by name prefix (the services\' indexed search)', async () => {
    const tag = `find${uniqueSuffix()}`.toLowerCase().replace(/[^a-z0-9]/g, '');
    const wanted = await e.workos.userManagement.createUser({ email: `${tag}.one@example.com` });
    await e.workos.userManagement.createUser({ email: `other.${tag}@example.com` });
    await page.goto(url('users'));
    await page.fill('#f-search', tag.toUpperCase());
    await page.click('button:has-text("Search")');
    await shows(page, `${tag}.one@example.com`);
    const rows = await page.locator('table:has(caption:has-text("Users")) tbody tr').allInnerTexts();
    assert.deepEqual(rows.map((r) => r.split('\t')[0]), [`${tag}.one@example.com`]);
    await scriptsShow(page, [`wos users list --search ${tag}`, `/user_management/users?limit=100&search=${tag}`]);
    assert.ok((await page.content()).includes(wanted.id));

    const corp = await e.workos.organizations.createOrganization({ name: `Zz ${tag} Holdings` });
    await e.workos.organizations.createOrganization({ name: `Other ${tag}` });
    await page.goto(url('organizations'));
    await page.fill('#f-search', `zz ${tag}`);
    await page.click('button:has-text("Search")');
    await shows(page, `Zz ${tag} Holdings`);
    assert.deepEqual((await page.locator('table:has(caption:has-text("Organizations")) tbody tr').allInnerTexts()).map((r) => r.split('\t')[1]), [corp.id]);
    await scriptsShow(page, [`wos organizations list --search 'zz ${tag}'`, `/organizations?limit=100&search=zz%20${tag}`]);
    await inspect(page, 'organizations-search');
  });

  test('as owner: revoke a session, redeliver and replay a webhook, create an environment and switch to it; each scripted with its values', async () => {
    // A session to revoke: a password sign-in through the SDK.
    const email = `revoked-${uniqueSuffix()}@example.com`.toLowerCase();
    const user = await e.workos.userManagement.createUser({ email, password: 'a session to revoke', emailVerified: true });
    const auth = await e.workos.userManagement.authenticateWithPassword({ clientId: e.creds.client_id, email, password: 'a session to revoke' });
    const sid = (JSON.parse(Buffer.from(auth.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
    await page.goto(url(`users/${user.id}`));
    await page.click(`form[aria-label="Revoke session ${sid}"] button`);
    await shows(page, 'Session revoked.');
    await scriptsShow(page, [`wos users revoke-session ${sid}`, `"session_id":"${sid}"`]);
    await assert.rejects(e.workos.userManagement.authenticateWithRefreshToken({ clientId: e.creds.client_id, refreshToken: auth.refreshToken }));

    // The endpoint (at a closed port) has failed deliveries by now; redeliver one, then replay the last hour.
    const eventId = await waitFor(async () => {
      await page.goto(url(`webhooks/${endpointId}`));
      const field = page.locator('form[aria-label^="Redeliver event_"] input[name=event_id]').first();
      return (await field.count()) ? field.inputValue() : undefined;
    }, { timeoutMs: 60_000, intervalMs: 1000, message: 'a delivery attempt to redeliver' });
    await page.click(`form[aria-label="Redeliver ${eventId}"] button`);
    await shows(page, 'Redelivery queued.');
    await scriptsShow(page, [`wos webhooks redeliver ${endpointId} --event ${eventId}`, `"event_id":"${eventId}"`]);
    await page.selectOption('#f-hours', '24');
    await page.click('button:has-text("Replay")');
    await shows(page, 'Replay queued.');
    const range = new URL(page.url()).searchParams;
    const start = range.get('range_start')!;
    assert.ok(Math.abs(Date.parse(range.get('range_end')!) - Date.parse(start) - 24 * 3_600_000) < 1000);
    await scriptsShow(page, [`wos webhooks replay ${endpointId} --since ${start} --until ${range.get('range_end')}`, `"range_start":"${start}"`]);

    // A new environment, then the header's switcher.
    const name = `Staging ${uniqueSuffix()}`;
    await page.goto(`${e.baseUrl}/dashboard/environments`);
    await page.fill('#f-name', name);
    await page.click('button:has-text("Create environment")');
    await shows(page, 'Environment created');
    await scriptsShow(page, [`wos environments create --name '${name}' --kind test`]);
    const created = JSON.parse(await e.stack.runGatewayCli(['environments', 'list', '--json'])) as Array<{ id: string; name: string }>;
    const staging = created.find((x) => x.name === name)!;
    assert.ok(staging, 'the environment exists in the gateway');
    await page.selectOption('#env-switch', staging.id);
    await page.click('form[aria-label="Switch environment"] button');
    await page.waitForURL(new RegExp(`/dashboard/e/${staging.id}/api-keys`));
    await shows(page, 'Environment switched');
    assert.equal(await page.locator('#env-switch').inputValue(), staging.id);
    await scriptsShow(page, [`wos api-keys list --environment ${staging.id}`, `an API key of ${staging.id}`, 'curl "']);
    auditedTargets.push(sid, eventId, staging.id);
  });

  /** IDs the owner's later actions were taken on; the audit test finds each among the events. */
  const auditedTargets: string[] = [];

  test('every console action was recorded as an audit-log event of the built-in environment\'s organization', async () => {
    const res = await internalFetch(
      `http://127.0.0.1:${e.stack.port('audit-logs')}/audit_logs/exports`,
      { key: e.stack.internalAuthKey('audit-logs'), audience: 'audit-logs', environmentId: owner.environment_id },
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organization_id: owner.organization_id, range_start: new Date(Date.now() - 3_600_000).toISOString(), range_end: new Date(Date.now() + 60_000).toISOString() }) },
    );
    assert.equal(res.status, 201, await res.clone().text());
    const exp = (await res.json()) as { id: string };
    const csv = await waitFor(async () => {
      const r = await internalFetch(`http://127.0.0.1:${e.stack.port('audit-logs')}/audit_logs/exports/${exp.id}`, { key: e.stack.internalAuthKey('audit-logs'), audience: 'audit-logs', environmentId: owner.environment_id });
      const j = (await r.json()) as { state: string; url?: string };
      if (j.state !== 'ready' || !j.url) return undefined;
      return (await fetch(j.url.replace(/^https?:\/\/[^/]+/, e.baseUrl))).text();
    }, { timeoutMs: 30_000, message: 'the audit export never became ready' });
    for (const action of ['dashboard.member.signed_in', 'dashboard.api_key.created', 'dashboard.api_key.revoked', 'dashboard.redirect_uri.added', 'dashboard.organization.created', 'dashboard.connection.created', 'dashboard.connection.activated', 'dashboard.portal_link.created', 'dashboard.webhook_endpoint.created', 'dashboard.authkit_email_settings.updated', 'dashboard.member.added', 'dashboard.member.signed_out', 'dashboard.organization_domain.created', 'dashboard.session.revoked', 'dashboard.webhook.redelivered', 'dashboard.webhook.replayed', 'dashboard.environment.created', 'dashboard.environment.switched']) {
      assert.ok(csv.includes(action), `audit log has ${action}`);
    }
    for (const id of auditedTargets) assert.ok(csv.includes(id), `audit log names ${id}`);
  });
});

