import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { Secret, TOTP } from 'otpauth';
import { DomainDataState } from '@workos-inc/node';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { TestOidcIdp, TestSamlIdp, type OidcIdp, type SamlIdp } from '../support/sso-peers';
import { ROOT, startE2e, type E2e } from '../support/e2e-stack';
import { cookieHeaderFrom, type HttpResult } from '../support/http';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const APP = 'https://app.example.com/callback';
const PASSWORD = 'violet Kestrel drifts 47 miles';
/** Screenshots of every page (git-ignored); UPDATE_GALLERY=1 also copies them to docs/gallery/hosted. */
const ARTIFACTS = join(ROOT, 'test', 'artifacts', 'hosted');
const GALLERY = join(ROOT, 'docs', 'gallery', 'hosted');
const MOBILE: BrowserContextOptions = { viewport: { width: 360, height: 740 }, locale: 'en-US' };

function totp(secret: string, stepOffset = 0): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret.replace(/\s+/g, '')), period: 30, digits: 6, algorithm: 'SHA1', timestamp: Date.now() + stepOffset * 30_000 });
}

/**
 * The hosted AuthKit pages in headless Chromium at 360 px, through the gateway: every flow ends
 * at the app's redirect URI with a code the official SDK exchanges. Each page visited is checked
 * with axe-core (no serious or critical violation), for horizontal scroll, and photographed.
 */
describe('hosted AuthKit pages in a browser', () => {
  let e: E2e;
  let browser: Browser;
  let google: OidcIdp;
  let idp: SamlIdp;
  const seen = new Set<string>();

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: run tools/ensure-chromium.sh`);
    mkdirSync(ARTIFACTS, { recursive: true });
    e = await startE2e({ name: 'hosted_pages', portOffset: 14500, apps: ['organizations', 'events', 'identity', 'sso'] });
    await e.addRedirectUri(APP);
    google = await TestOidcIdp.start([{ client_id: 'hosted-google', client_secret: 'google-secret', redirect_uris: [`${e.baseUrl}/sso/oidc/callback`] }]);
    const g = await e.http('POST', '/connections', {
      key: true,
      body: { name: 'Google', connection_type: 'GoogleOAuth', oauth: { client_id: 'hosted-google', client_secret: 'google-secret', authorization_url: `${google.issuer}/auth`, token_url: `${google.issuer}/token`, userinfo_url: `${google.issuer}/me` }, activate: true },
    });
    assert.equal(g.status, 201, g.text);
    idp = await TestSamlIdp.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
  });
  after(async () => {
    await browser?.close();
    await idp?.close();
    await google?.close();
    await e?.stop();
  });

  const um = () => e.workos.userManagement;
  const authorizeUrl = (extra: Record<string, string> = {}) => {
    const q = new URLSearchParams({ client_id: e.creds.client_id, redirect_uri: APP, response_type: 'code', provider: 'authkit', state: 'st', ...extra });
    return `${e.baseUrl}/user_management/authorize?${q}`;
  };

  async function settings(body: Record<string, unknown>, key?: string): Promise<Record<string, unknown>> {
    const res = await e.http('PATCH', '/user_management/authkit/settings', { key: key ?? true, body });
    assert.equal(res.status, 200, res.text);
    return res.json as Record<string, unknown>;
  }

  /** Axe (zero serious/critical), no horizontal scroll at this width, and a screenshot named `name`. */
  async function inspect(page: Page, name: string): Promise<void> {
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `axe on ${name} (${page.url()})`);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth') as number;
    assert.ok(overflow <= 0, `${name} scrolls horizontally by ${overflow}px`);
    const file = join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (process.env.UPDATE_GALLERY === '1') {
      mkdirSync(GALLERY, { recursive: true });
      copyFileSync(file, join(GALLERY, `${name}.png`));
    }
    seen.add(name);
  }

  /** Resolves with the next navigation to the app's redirect URI (answered locally). */
  function landing(page: Page): Promise<URL> {
    return new Promise((resolveLanding, reject) => {
      const timer = setTimeout(() => void page.content().then((html) => reject(new Error(`never reached ${APP}; at ${page.url()}: ${html.slice(0, 400)}`)), reject), 30_000);
      void page.route(`${APP}**`, async (route) => {
        clearTimeout(timer);
        const url = new URL(route.request().url());
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>signed in</p>' });
        // Resolved once the app page has loaded, so the test's next page.goto cannot interrupt it.
        await page.waitForURL(`${APP}**`).catch(() => undefined);
        resolveLanding(url);
      });
    });
  }

  /** The SDK's code exchange; `state` is the one the authorize URL carried (none for an emailed invitation link). */
  async function exchange(url: URL, state: string | null = 'st', clientId = e.creds.client_id, workos = e.workos) {
    assert.equal(url.searchParams.get('state'), state);
    return workos.userManagement.authenticateWithCode({ code: url.searchParams.get('code')!, clientId });
  }

  /** The invitation link in the newest invitation email to `to` (the development inbox). */
  const invitationLink = async (to: string) => (await mail(to, /^(http\S+invitation_token=\S+)$/m))[1]!;

  /** The newest email to `to` whose text matches `pattern`, after `since` (the development inbox). */
  async function mail(to: string, pattern: RegExp, seenBefore = 0): Promise<RegExpExecArray> {
    return waitFor(
      async () => {
        const r = await e.http('GET', `/dev/mail/messages?to=${encodeURIComponent(to)}`);
        const data = (r.json as { data: { text: string }[] }).data;
        if (data.length <= seenBefore) return undefined;
        return pattern.exec(data[0]!.text) ?? undefined;
      },
      { timeoutMs: 30_000, message: `an email to ${to} matching ${pattern}` },
    );
  }

  async function mailCount(to: string): Promise<number> {
    const r = await e.http('GET', `/dev/mail/messages?to=${encodeURIComponent(to)}`);
    return (r.json as { data: unknown[] }).data.length;
  }

  async function context(options: BrowserContextOptions = MOBILE): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext(options);
    return { ctx, page: await ctx.newPage() };
  }

  const sessionIdOf = (accessToken: string) => (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;

  async function signOut(page: Page, accessToken: string): Promise<void> {
    const res = await page.goto(um().getLogoutUrl({ sessionId: sessionIdOf(accessToken) }));
    assert.equal(res?.status(), 200);
  }

  async function signInWithPassword(page: Page, email: string, password = PASSWORD): Promise<void> {
    await page.goto(authorizeUrl());
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
  }

  test('sign-up → verify email → app; sign in → enrol MFA → app; sign out; sign in with the MFA code → app', { timeout: 240_000 }, async () => {
    const email = `signup-${uniqueSuffix()}@example.com`;
    const { ctx, page } = await context();
    await page.goto(authorizeUrl({ screen_hint: 'sign-up' }));
    await inspect(page, 'sign-up');
    await page.getByLabel('First name').fill('Grace');
    await page.getByLabel('Last name').fill('Hopper');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill('abc123');
    assert.equal(await page.locator('#strength-text').textContent(), 'Too weak', 'the meter runs (the CSP nonce lets its script in)');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    assert.equal(await page.locator('#strength-text').textContent(), 'Strong');
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.waitForURL(/verify-email/);
    await inspect(page, 'verify-email');
    await page.getByLabel('Code').fill('000000');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('The code is incorrect or has expired.').waitFor();
    const code = (await mail(email, /code is (\d{6})/))[1]!;
    const landed = landing(page);
    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Continue' }).click();
    const first = await exchange(await landed);
    assert.equal(first.user.email, email);
    assert.equal(first.user.emailVerified, true);
    assert.equal(first.authenticationMethod, 'Password');
    await signOut(page, first.accessToken);

    await settings({ require_mfa: true });
    try {
      await signInWithPassword(page, email);
      await page.waitForURL(/mfa\/enroll/);
      await inspect(page, 'mfa-enroll');
      const qr = await page.locator('img.qr').getAttribute('src');
      assert.match(qr!, /^data:image\/svg\+xml;base64,/);
      assert.match(Buffer.from(qr!.split(',')[1]!, 'base64').toString(), /<svg[^>]*>.*<path/s, 'a real QR code drawn as SVG');
      const secret = (await page.locator('.secret').textContent())!;
      const enrolled = landing(page);
      await page.getByLabel('Code').fill(totp(secret));
      await page.getByRole('button', { name: 'Continue' }).click();
      const second = await exchange(await enrolled);
      assert.equal(second.user.id, first.user.id);
      const factors = await e.workos.multiFactorAuth.listUserAuthFactors({ userId: first.user.id });
      assert.equal(factors.data.length, 1);
      // The API's enrolment answers a real QR code too (a PNG data URL, as WorkOS's).
      const apiFactor = await e.workos.multiFactorAuth.enrollFactor({ type: 'totp', issuer: 'Hosted', user: email });
      assert.match(apiFactor.totp!.qrCode, /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
      await signOut(page, second.accessToken);

      await signInWithPassword(page, email);
      await page.waitForURL(/\/mfa\?/);
      await inspect(page, 'mfa-challenge');
      const challenged = landing(page);
      // The enrolment spent this 30 s step's code; the next step's is within the accepted window.
      await page.getByLabel('Code').fill(totp(secret, 1));
      await page.getByRole('button', { name: 'Continue' }).click();
      const third = await exchange(await challenged);
      assert.equal(third.user.id, first.user.id);
    } finally {
      await settings({ require_mfa: false });
    }
    await ctx.close();
  });

  test('sign-in page: provider button with its logo, a wrong password inline, dark mode, French by Accept-Language', { timeout: 240_000 }, async () => {
    const { ctx, page } = await context();
    await page.goto(authorizeUrl());
    const google = page.getByRole('button', { name: 'Continue with Google' });
    assert.equal(await google.locator('svg').count(), 1, 'the provider logo is inline SVG');
    await inspect(page, 'sign-in');
    await page.getByLabel('Email').fill(`nobody-${uniqueSuffix()}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.getByRole('alert').getByText('Incorrect email or password.').waitFor();
    assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), 'true');
    await inspect(page, 'sign-in-error');

    // The button starts the provider's OAuth flow (the IdP's authorization endpoint).
    await page.goto(authorizeUrl());
    const [idpRequest] = await Promise.all([
      page.waitForRequest((r) => r.url().startsWith(`${google_issuer()}/auth`), { timeout: 30_000 }),
      page.getByRole('button', { name: 'Continue with Google' }).click(),
    ]);
    assert.equal(new URL(idpRequest.url()).searchParams.get('client_id'), 'hosted-google');
    await ctx.close();

    const dark = await context({ ...MOBILE, colorScheme: 'dark' });
    await dark.page.goto(authorizeUrl());
    const bg = await dark.page.evaluate("getComputedStyle(document.querySelector('main')).backgroundColor");
    assert.equal(bg, 'rgb(26, 29, 36)', 'prefers-color-scheme: dark');
    await inspect(dark.page, 'sign-in-dark');
    await dark.ctx.close();

    const fr = await context({ ...MOBILE, locale: 'fr-FR' });
    await fr.page.goto(authorizeUrl());
    assert.equal(await fr.page.getAttribute('html', 'lang'), 'fr');
    assert.equal(await fr.page.locator('h1').textContent(), 'Connexion');
    await fr.page.getByLabel('Mot de passe', { exact: true }).waitFor();
    await inspect(fr.page, 'sign-in-fr');
    await fr.ctx.close();
  });
  const google_issuer = () => google.issuer;

  test('keyboard only: Tab to the fields, type, Enter signs in (focus is visible)', { timeout: 120_000 }, async () => {
    const email = `keys-${uniqueSuffix()}@example.com`;
    await um().createUser({ email, password: PASSWORD, emailVerified: true });
    const { ctx, page } = await context();
    await page.goto(authorizeUrl());
    const focused = () => page.evaluate('document.activeElement && (document.activeElement.name || document.activeElement.textContent)') as Promise<string>;
    for (let i = 0; i < 6 && (await focused()) !== 'email'; i++) await page.keyboard.press('Tab');
    assert.equal(await focused(), 'email', 'the email field is reachable by Tab');
    const outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle");
    assert.equal(outline, 'solid', 'a visible focus ring');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'password');
    await page.keyboard.type(PASSWORD);
    const landed = landing(page);
    await page.keyboard.press('Enter');
    assert.equal((await exchange(await landed)).user.email, email);
    await ctx.close();
  });

  test('password reset: the emailed link (custom domain), breached and weak passwords refused, the new one signs in', { timeout: 240_000 }, async () => {
    const email = `reset-${uniqueSuffix()}@example.com`;
    await um().createUser({ email, password: PASSWORD, emailVerified: true });
    await settings({ branding: { custom_domain: 'auth.hosted.example' } });
    const { ctx, page } = await context();
    await page.goto(authorizeUrl());
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await inspect(page, 'forgot-password');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await inspect(page, 'forgot-password-sent');
    const link = new URL((await mail(email, /(https:\/\/\S+)/))[1]!);
    assert.equal(link.host, 'auth.hosted.example', 'the link uses the environment custom domain');
    assert.equal(link.pathname, '/user_management/authorize/reset-password');
    await settings({ branding: { custom_domain: null } });

    await page.goto(`${e.baseUrl}${link.pathname}${link.search}`);
    await inspect(page, 'reset-password');
    for (const [bad, message] of [['qwertyuiop', 'leaked passwords'], ['aaaaaaaaaaaaaa', 'too easy to guess'], ['short', 'at least 10']] as const) {
      await page.getByLabel('New password').fill(bad);
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.getByRole('alert').getByText(message, { exact: false }).waitFor();
    }
    await inspect(page, 'reset-password-error');
    const fresh = 'Saffron lanterns hum 93 times';
    await page.getByLabel('New password').fill(fresh);
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();
    await inspect(page, 'reset-password-done');

    const landed = landing(page);
    await signInWithPassword(page, email, fresh);
    assert.equal((await exchange(await landed)).user.email, email);
    await ctx.close();
  });

  test('an invitation accepted in the browser: sign up with the invited address, land in the organization', { timeout: 240_000 }, async () => {
    const org = await e.workos.organizations.createOrganization({ name: `Invited Co ${uniqueSuffix()}` });
    const email = `invitee-${uniqueSuffix()}@example.com`;
    const invitation = await um().sendInvitation({ email, organizationId: org.id });
    // The emailed link (no INVITATION_URL set) is the hosted sign-up for the invitation: the
    // gateway's authorize page with the environment's client ID and redirect URI.
    const link = await invitationLink(email);
    assert.equal(link, invitation.acceptInvitationUrl);
    const target = new URL(link);
    assert.equal(`${target.origin}${target.pathname}`, `${e.baseUrl}/user_management/authorize`);
    assert.deepEqual([target.searchParams.get('client_id'), target.searchParams.get('redirect_uri'), target.searchParams.get('invitation_token')], [e.creds.client_id, APP, invitation.token]);
    const { ctx, page } = await context();
    const opened = await page.goto(link);
    assert.equal(opened?.status(), 200);
    await page.getByText(`You were invited to join ${org.name}`).waitFor();
    assert.equal(await page.getByLabel('Email').inputValue(), email);
    await inspect(page, 'invitation');
    await page.getByLabel('First name').fill('Ivy');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    const landed = landing(page);
    await page.getByRole('button', { name: 'Create account' }).click();
    const auth = await exchange(await landed, null);
    assert.equal(auth.user.email, email);
    assert.equal(auth.organizationId, org.id);
    assert.equal((await um().getInvitation(invitation.id)).state, 'accepted');
    await ctx.close();
  });

  test('an invitation accepted in the browser by an existing user: sign in from the invitation link, land in the organization', { timeout: 240_000 }, async () => {
    const org = await e.workos.organizations.createOrganization({ name: `Existing Co ${uniqueSuffix()}` });
    const email = `existing-${uniqueSuffix()}@example.com`;
    const user = await um().createUser({ email, password: PASSWORD, emailVerified: true });
    const invitation = await um().sendInvitation({ email, organizationId: org.id });
    const { ctx, page } = await context();
    await page.goto(await invitationLink(email));
    await page.getByText(`You were invited to join ${org.name}`).waitFor();
    await page.getByRole('link', { name: 'Already have an account? Sign in to accept' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    const landed = landing(page);
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    const auth = await exchange(await landed, null);
    assert.equal(auth.user.id, user.id, 'the existing account, not a new one');
    assert.equal(auth.organizationId, org.id);
    assert.equal((await um().getInvitation(invitation.id)).state, 'accepted');
    const memberships = await um().listOrganizationMemberships({ userId: user.id });
    assert.deepEqual(memberships.data.map((m) => [m.organizationId, m.status]), [[org.id, 'active']]);
    await ctx.close();
  });

  test('an invitation revoked after its page was shown: the page still renders from the flow, the sign-up is refused and makes no account', { timeout: 120_000 }, async () => {
    const org = await e.workos.organizations.createOrganization({ name: `Revoked Co ${uniqueSuffix()}` });
    const email = `revoked-${uniqueSuffix()}@example.com`;
    const invitation = await um().sendInvitation({ email, organizationId: org.id });
    const link = new URL(authorizeUrl({ invitation_token: invitation.token }));
    const opened = await e.http('GET', link.pathname + link.search);
    assert.equal(opened.status, 200, opened.text.slice(0, 300));
    assert.match(opened.text, new RegExp(`You were invited to join ${org.name}`));
    const cookie = cookieHeaderFrom(opened);
    const token = /name="csrf_token" value="([^"]+)"/.exec(opened.text)![1]!;
    await um().revokeInvitation(invitation.id);
    // Showing the page reads what the flow kept when it was opened (no database read per render).
    const shown = await e.http('GET', `/user_management/authorize/sign-up?client_id=${e.creds.client_id}`, { headers: { cookie } });
    assert.equal(shown.status, 200);
    assert.match(shown.text, new RegExp(`You were invited to join ${org.name}`));
    // Acting on it checks the invitation again: revoked, so refused, and nothing is made.
    const submitted = await e.http('POST', `/user_management/authorize/sign-up?client_id=${e.creds.client_id}`, {
      body: new URLSearchParams({ email, password: PASSWORD, first_name: 'Rex', csrf_token: token }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    });
    assert.equal(submitted.status, 400, submitted.text.slice(0, 300));
    assert.match(submitted.text, /This invitation has expired, was revoked or was already accepted/);
    assert.equal((await um().listUsers({ email })).data.length, 0, 'no user was created');
    assert.equal((await um().getInvitation(invitation.id)).state, 'revoked');
    assert.equal((await um().listOrganizationMemberships({ organizationId: org.id })).data.length, 0);
  });

  test('magic code sign-in and organization selection', { timeout: 240_000 }, async () => {
    const email = `magic-${uniqueSuffix()}@example.com`;
    const user = await um().createUser({ email, emailVerified: true });
    const [a, b] = await Promise.all([1, 2].map((i) => e.workos.organizations.createOrganization({ name: `Choice ${i} ${uniqueSuffix()}` })));
    for (const o of [a!, b!]) await um().createOrganizationMembership({ userId: user.id, organizationId: o.id });
    const { ctx, page } = await context();
    await page.goto(authorizeUrl());
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in code' }).click();
    await page.waitForURL(/magic\/code/);
    await inspect(page, 'magic-code');
    const code = (await mail(email, /code is (\d{6})/))[1]!;
    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/organization/);
    await inspect(page, 'organization-selection');
    const landed = landing(page);
    await page.getByLabel(b!.name).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    const auth = await exchange(await landed);
    assert.equal(auth.organizationId, b!.id);
    assert.equal(auth.authenticationMethod, 'MagicAuth');
    await ctx.close();
  });

  test('SSO by email domain: the verified domain finds the organization, its IdP signs the user in', { timeout: 240_000 }, async () => {
    const domain = `sso-${uniqueSuffix()}.example`;
    const org = await e.workos.organizations.createOrganization({ name: 'SSO Corp', domainData: [{ domain, state: DomainDataState.Verified }] });
    const created = await e.http('POST', '/connections', { key: true, body: { name: 'Okta', connection_type: 'OktaSAML', organization_id: org.id, saml: { idp_metadata_xml: idp.metadataXml() }, activate: true } });
    assert.equal(created.status, 201, created.text);
    const connectionId = (created.json as { id: string }).id;
    idp.trust(((await e.http('GET', `/connections/${connectionId}/sp_metadata`, { key: true })).json as { metadata_xml: string }).metadata_xml);
    idp.user = { nameId: `sam@${domain}`, attributes: { email: `sam@${domain}`, firstName: 'Sam', lastName: 'Sso' } };
    const { ctx, page } = await context();
    await page.goto(authorizeUrl());
    await page.getByRole('link', { name: 'Sign in with single sign-on (SSO)' }).click();
    await inspect(page, 'sso');
    await page.getByLabel('Email').fill(`nobody@unknown-${uniqueSuffix()}.example`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').getByText('No single sign-on').waitFor();
    await inspect(page, 'sso-error');
    const landed = landing(page);
    await page.getByLabel('Email').fill(`sam@${domain}`);
    await page.getByRole('button', { name: 'Continue' }).click();
    const auth = await exchange(await landed);
    assert.equal(auth.user.email, `sam@${domain}`);
    assert.equal(auth.authenticationMethod, 'SSO');

    // Sam's membership came from the organization's IdP: a password sign-in is refused with
    // sso_required, and the page of its own sends Sam through that connection.
    await um().updateUser({ userId: auth.user.id, password: PASSWORD });
    await signInWithPassword(page, `sam@${domain}`);
    await page.waitForURL(/\/sso-required/);
    await page.getByRole('heading', { name: 'Your organization requires single sign-on' }).waitFor();
    assert.match(await page.locator('main').innerText(), new RegExp(`sam@${domain.replace(/\./g, '\\.')} belongs to an organization`));
    await inspect(page, 'sso-required');
    const viaSso = landing(page);
    await page.getByRole('button', { name: 'Continue with SSO' }).click();
    // Signed in through the connection's IdP (the SAML round trip), in its organization.
    const again = await exchange(await viaSso);
    assert.equal(again.user.id, auth.user.id);
    assert.equal(again.authenticationMethod, 'SSO');
    assert.equal(again.organizationId, org.id);
    await ctx.close();
  });

  test('sign-up policies per environment (settings API and `wos authkit set`): invitation only, waitlist (a new Google user refused; an approved entry signs up through its emailed invitation); branding', { timeout: 240_000 }, async () => {
    const other = await e.createEnvironment(`hosted-policy-${uniqueSuffix()}`);
    await e.addRedirectUri(APP, other.environment_id);
    // Its own Google connection (the same test provider), before any page lists the providers.
    const g = await e.http('POST', '/connections', {
      key: other.api_key,
      body: { name: 'Google', connection_type: 'GoogleOAuth', oauth: { client_id: 'hosted-google', client_secret: 'google-secret', authorization_url: `${google.issuer}/auth`, token_url: `${google.issuer}/token`, userinfo_url: `${google.issuer}/me` }, activate: true },
    });
    assert.equal(g.status, 201, g.text);
    const otherClient = e.client(other.api_key);
    /** "Continue with Google" as an address with no account: the hosted refusal page, and no user. */
    const googleRefused = async (page: Page, heading: string) => {
      // A fresh browser session at the IdP too (it would sign its last account in again).
      await page.context().clearCookies();
      await page.goto(url());
      const stranger = `stranger-${uniqueSuffix()}@gmail.example`;
      google.user = { sub: `g-${uniqueSuffix()}`, claims: { email: stranger, email_verified: true } };
      const refusal = page.waitForResponse((r) => r.url().includes('/user_management/sso/callback'), { timeout: 30_000 });
      await page.getByRole('button', { name: 'Continue with Google' }).click();
      assert.equal((await refusal).status(), 403);
      await page.getByRole('heading', { name: heading }).waitFor();
      if (heading.endsWith('waitlist')) await page.getByText(`No account exists for ${stranger}`).waitFor();
      assert.equal((await otherClient.userManagement.listUsers({ email: stranger })).data.length, 0, 'the refused address has no account');
    };
    const { runCli } = await import('@wos/platform/cli');
    const { cli } = (await import(join(ROOT, 'apps', 'identity', 'dist', 'src', 'cli.js'))) as { cli: import('@wos/platform/cli').CliModule };
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t), env: {} };
    const code = await runCli(['authkit', 'set', '--sign-up', 'invitation_only', '--name', 'Policy Inc', '--color', '#0f766e', '--api-key', other.api_key, '--api-url', e.baseUrl, '--json'], [cli], io);
    assert.equal(code, 0, out.join('\n'));
    assert.equal((JSON.parse(out.at(-1)!) as { sign_up_policy: string }).sign_up_policy, 'invitation_only');
    const url = (extra: Record<string, string> = {}) => `${e.baseUrl}/user_management/authorize?${new URLSearchParams({ client_id: other.client_id, redirect_uri: APP, response_type: 'code', provider: 'authkit', ...extra })}`;

    const { ctx, page } = await context();
    await page.goto(url());
    assert.equal(await page.getByRole('link', { name: /Sign up/ }).count(), 0, 'no sign-up link when sign-up is by invitation');
    assert.match(await page.title(), /Policy Inc/);
    const res = await page.goto(url({ screen_hint: 'sign-up' }));
    assert.equal(res?.status(), 403);
    await page.getByRole('heading', { name: 'Sign-up is by invitation' }).waitFor();
    await inspect(page, 'sign-up-closed');
    await googleRefused(page, 'Sign-up is by invitation');
    await inspect(page, 'sign-up-refused-invitation');

    const logo = `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32"><rect width="120" height="32" rx="6" fill="#0f766e"/></svg>').toString('base64')}`;
    await settings({ sign_up_policy: 'waitlist', branding: { logo } }, other.api_key);
    await googleRefused(page, 'Sign-up is by waitlist');
    await inspect(page, 'sign-up-refused-waitlist');
    // Its link is the waitlist form of the same app request.
    await page.getByRole('link', { name: 'Join the waitlist' }).click();
    await page.getByRole('button', { name: 'Join the waitlist' }).waitFor();
    assert.equal(await page.locator('img.logo').getAttribute('src'), logo);
    await inspect(page, 'waitlist');
    const waiting = `wait-${uniqueSuffix()}@example.com`;
    await page.getByLabel('Email').fill(waiting);
    await page.getByRole('button', { name: 'Join the waitlist' }).click();
    await page.getByRole('heading', { name: 'You are on the list' }).waitFor();
    await inspect(page, 'waitlist-joined');
    // The address is an entry of the environment's waitlist, pending, with no account.
    const entries = await otherClient.userManagement.listWaitlistEntries('default', { email: waiting });
    assert.deepEqual(entries.data.map((x) => [x.email, x.state]), [[waiting, 'pending']]);
    assert.equal((await otherClient.userManagement.listUsers({ email: waiting })).data.length, 0);

    // Approved, the entry's address gets an invitation by email; its link completes the hosted
    // sign-up while the waitlist policy stays on.
    await otherClient.userManagement.approveWaitlistEntry(entries.data[0]!.id);
    const link = await invitationLink(waiting);
    assert.ok(link.startsWith(`${e.baseUrl}/user_management/authorize?client_id=${other.client_id}&`), link);
    await page.goto(link);
    assert.equal(await page.getByLabel('Email').inputValue(), waiting);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    const landed = landing(page);
    await page.getByRole('button', { name: 'Create account' }).click();
    const joined = await exchange(await landed, null, other.client_id, otherClient);
    assert.equal(joined.user.email, waiting);
    assert.equal(joined.user.emailVerified, true);

    // With a custom domain, invitation links point at it (as reset links do).
    await settings({ branding: { custom_domain: 'auth.policy.example' } }, other.api_key);
    const invited = await otherClient.userManagement.sendInvitation({ email: `custom-${uniqueSuffix()}@example.com` });
    assert.ok(invited.acceptInvitationUrl.startsWith(`https://auth.policy.example/user_management/authorize?client_id=${other.client_id}&`), invited.acceptInvitationUrl);

    // The first environment's settings are its own.
    const mine = await e.http('GET', '/user_management/authkit/settings', { key: true });
    assert.equal((mine.json as { sign_up_policy: string }).sign_up_policy, 'open');
    const badColor = await e.http('PATCH', '/user_management/authkit/settings', { key: true, body: { branding: { primary_color: 'red; background:url(x)' } } });
    assert.equal(badColor.status, 422);
    assert.ok(Array.isArray((badColor.json as { errors: unknown[] }).errors));
    await ctx.close();
  });

  test('without JavaScript: password sign-in, sign-up with its emailed code, password reset (request and set), magic code sign-in', { timeout: 240_000 }, async () => {
    const { ctx, page } = await context({ ...MOBILE, javaScriptEnabled: false });
    const known = `nojs-${uniqueSuffix()}@example.com`;
    await um().createUser({ email: known, password: PASSWORD, emailVerified: true });

    // Password sign-in.
    let landed = landing(page);
    await signInWithPassword(page, known);
    assert.equal((await exchange(await landed)).user.email, known);

    // Sign-up: the meter's script does not run (JavaScript is off), the server still checks the password.
    const fresh = `nojs-signup-${uniqueSuffix()}@example.com`;
    await page.goto(authorizeUrl({ screen_hint: 'sign-up' }));
    await page.getByLabel('First name').fill('Noor');
    await page.getByLabel('Last name').fill('Script');
    await page.getByLabel('Email').fill(fresh);
    await page.getByLabel('Password', { exact: true }).fill('abc123');
    assert.notEqual(await page.locator('#strength-text').textContent(), 'Too weak', 'no script ran: JavaScript is off');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByLabel('Email').inputValue(), fresh, 'the refused form keeps the address');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/verify-email/);
    const code = (await mail(fresh, /code is (\d{6})/))[1]!;
    landed = landing(page);
    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Continue' }).click();
    const signedUp = await exchange(await landed);
    assert.deepEqual([signedUp.user.email, signedUp.user.emailVerified], [fresh, true]);

    // Password reset: the request, the emailed link, the new password; it signs in.
    await page.goto(authorizeUrl());
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(known);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const link = new URL((await mail(known, /(https?:\/\/\S+\/reset-password\S+)/))[1]!);
    await page.goto(`${e.baseUrl}${link.pathname}${link.search}`);
    const renewed = 'Quiet harbours glow 58 nights';
    await page.getByLabel('New password').fill(renewed);
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();
    landed = landing(page);
    await signInWithPassword(page, known, renewed);
    assert.equal((await exchange(await landed)).user.email, known);

    // Magic code sign-in.
    const before = await mailCount(known);
    await page.goto(authorizeUrl());
    await page.getByLabel('Email').fill(known);
    await page.getByRole('button', { name: 'Email me a sign-in code' }).click();
    await page.waitForURL(/magic\/code/);
    const magic = (await mail(known, /code is (\d{6})/, before))[1]!;
    landed = landing(page);
    await page.getByLabel('Code').fill(magic);
    await page.getByRole('button', { name: 'Continue' }).click();
    const byCode = await exchange(await landed);
    assert.deepEqual([byCode.user.email, byCode.authenticationMethod], [known, 'MagicAuth']);
    await ctx.close();
  });

  test('CSRF: a post without the token, with a wrong one, or without the flow cookie gets the 403 page and changes nothing', { timeout: 240_000 }, async () => {
    const email = `csrf-${uniqueSuffix()}@example.com`;
    const form = await e.http('GET', new URL(authorizeUrl({ screen_hint: 'sign-up' })).pathname + new URL(authorizeUrl({ screen_hint: 'sign-up' })).search);
    assert.equal(form.status, 200);
    const cookie = cookieHeaderFrom(form);
    assert.match(String(form.headers['set-cookie']), /HttpOnly; SameSite=Lax/);
    const token = /name="csrf_token" value="([^"]+)"/.exec(form.text)![1]!;
    const post = (fields: Record<string, string>, withCookie = true): Promise<HttpResult> =>
      e.http('POST', `/user_management/authorize/sign-up?client_id=${e.creds.client_id}`, {
        body: new URLSearchParams({ email, password: PASSWORD, ...fields }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(withCookie ? { cookie } : {}) },
      });
    for (const [res, why] of [
      [await post({}), 'no token'],
      [await post({ csrf_token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` }), 'a wrong token'],
      [await post({ csrf_token: token }, false), 'no cookie'],
    ] as const) {
      assert.equal(res.status, 403, why);
      assert.match(res.contentType, /text\/html/, why);
      assert.match(res.text, /This form has expired/, why);
    }
    assert.equal((await um().listUsers({ email })).data.length, 0, 'no user was created');
    assert.equal(await mailCount(email), 0, 'no email was sent');
    // The same post with the token and cookie does create the account (the check is what refused).
    const ok = await post({ csrf_token: token });
    assert.equal(ok.status, 303, ok.text.slice(0, 300));
    assert.equal((await um().listUsers({ email })).data.length, 1);
    const again = await post({ csrf_token: token });
    assert.equal(again.status, 200);
    assert.match(again.text, /An account with this email already exists/);

    // The same refusal in a browser: a form whose token is not the flow's shows the 403 page.
    const { ctx, page } = await context();
    await page.goto(authorizeUrl({ screen_hint: 'sign-up' }));
    await page.locator('form[action*="/sign-up"] input[name="csrf_token"]').evaluate((input) => ((input as { value: string }).value = 'not-the-flow-token'));
    await page.getByLabel('Email').fill(`csrf-browser-${uniqueSuffix()}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Create account' }).click()]);
    assert.equal(refused.status(), 403);
    await page.getByRole('heading', { name: 'This form has expired' }).waitFor();
    await inspect(page, 'error-csrf');
    await ctx.close();
  });

  test('error pages: a step without a flow, an invalid reset link', { timeout: 240_000 }, async () => {
    const { ctx, page } = await context();
    const res = await page.goto(`${e.baseUrl}/user_management/authorize/mfa?client_id=${e.creds.client_id}`);
    assert.equal(res?.status(), 403);
    await inspect(page, 'error-expired');
    const bad = await page.goto(`${e.baseUrl}/user_management/authorize/reset-password?client_id=${e.creds.client_id}&token=nope`);
    assert.equal(bad?.status(), 400);
    await page.getByText('This reset link has expired').waitFor();
    await inspect(page, 'reset-link-invalid');
    await ctx.close();
  });

  test('every form is rate limited per IP: past HOSTED_FORM_LIMIT_PER_MINUTE a 429 page with Retry-After', { timeout: 180_000 }, async () => {
    const url = new URL(authorizeUrl());
    const form = await e.http('GET', url.pathname + url.search);
    const cookie = cookieHeaderFrom(form);
    const token = /name="csrf_token" value="([^"]+)"/.exec(form.text)![1]!;
    // The window is fixed: it starts at the first post from this address (the forgot-password
    // form was posted earlier in this file) and resets 60 s later, possibly in the middle of this
    // loop. Posting until the first 429, at most twice the limit plus one, reaches the limit in
    // either window; a run without any 429 means the form is not limited.
    const statuses: number[] = [];
    let last: HttpResult | undefined;
    for (let i = 0; i < 61 && last?.status !== 429; i++) {
      last = await e.http('POST', `/user_management/authorize/forgot-password?client_id=${e.creds.client_id}`, {
        body: new URLSearchParams({ email: `nobody-${i}@unknown.example`, csrf_token: token }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      });
      statuses.push(last.status);
    }
    assert.equal(last!.status, 429, `statuses: ${statuses.join(',')}`);
    assert.ok(statuses.slice(0, -1).every((s) => s < 400), `statuses: ${statuses.join(',')}`);
    assert.match(last!.contentType, /text\/html/);
    assert.match(last!.text, /Too many attempts/);
    assert.ok(Number(last!.headers['retry-after']) > 0);

    // The 429 page in a browser (same address, same window): posted until the limit answers.
    const { ctx, page } = await context();
    await page.goto(authorizeUrl());
    let status = 0;
    for (let i = 0; i < 61 && status !== 429; i++) {
      await page.goto(`${e.baseUrl}/user_management/authorize/forgot-password?client_id=${e.creds.client_id}`);
      await page.getByLabel('Email').fill(`nobody-browser-${i}@unknown.example`);
      const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Send reset link' }).click()]);
      status = res.status();
    }
    assert.equal(status, 429);
    await page.getByText('Too many attempts').waitFor();
    await inspect(page, 'error-rate-limited');
    await ctx.close();
  });

  test('every page was checked and photographed', () => {
    for (const name of ['sign-in', 'sign-in-error', 'sign-in-dark', 'sign-in-fr', 'sign-up', 'verify-email', 'mfa-enroll', 'mfa-challenge', 'forgot-password', 'forgot-password-sent', 'reset-password', 'reset-password-error', 'reset-password-done', 'invitation', 'magic-code', 'organization-selection', 'sso', 'sign-up-closed', 'sign-up-refused-waitlist', 'waitlist', 'waitlist-joined', 'sign-up-refused-invitation', 'sso-error', 'sso-required', 'error-csrf', 'reset-link-invalid', 'error-rate-limited', 'error-expired']) {
      assert.ok(seen.has(name), `${name} was not inspected`);
    }
  });
});
