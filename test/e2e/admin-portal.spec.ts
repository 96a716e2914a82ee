import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { ConflictException, DomainDataState, type EventName, NotFoundException, UnprocessableEntityException } from '@workos-inc/node';
import { createServer, type Server } from 'node:http';
import { startSmtpSink, startTxtDnsServer, uniqueSuffix, waitFor, type SmtpSink, type TxtDnsServer } from '@wos/platform/testing';
import { Browser as HttpBrowser, TestOidcIdp, TestSamlIdp, type SamlIdp } from '../support/sso-peers';
import { ROOT, expectSdkError, startE2e, waitForEvents, type E2e } from '../support/e2e-stack';
import { generate as selfSigned } from 'selfsigned';

/* Webhook-subscribable in the SDK's types, though not in its EventName union. */
const RENEWAL_REQUIRED = 'connection.saml_certificate_renewal_required' as EventName;
const RENEWED = 'connection.saml_certificate_renewed' as EventName;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of every portal page (git-ignored); UPDATE_GALLERY=1 also copies them to docs/gallery/portal. */
const ARTIFACTS = join(ROOT, 'test', 'artifacts', 'portal');
const GALLERY = join(ROOT, 'docs', 'gallery', 'portal');

/** The standard AES key check value, computed here independently of vault. */
function kcv(key: Buffer): string {
  const c = createCipheriv('aes-256-ecb', key, null);
  c.setAutoPadding(false);
  return c.update(Buffer.alloc(16)).subarray(0, 3).toString('hex');
}

/**
 * The Admin Portal end to end: the official SDK generates links and manages IT contacts; an IT
 * admin in headless Chromium opens a link, sets up SAML against a real test IdP (samlify) and
 * passes the self-test; every page is checked with axe-core and photographed.
 */
describe('Admin Portal', () => {
  let e: E2e;
  let browser: Browser;
  let idp: SamlIdp;
  let smtp: SmtpSink;
  let db: Client;
  let org: { id: string; name: string };
  let domain: string;
  let dns: TxtDnsServer;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: run tools/ensure-chromium.sh`);
    mkdirSync(ARTIFACTS, { recursive: true });
    smtp = await startSmtpSink();
    // Domain verification looks its TXT records up here (a real DNS server on loopback).
    dns = await startTxtDnsServer();
    e = await startE2e({
      name: 'admin_portal',
      portOffset: 3000,
      apps: ['organizations', 'events', 'identity', 'sso', 'directory-sync', 'audit-logs', 'vault', 'admin-portal'],
      appEnv: {
        'admin-portal': { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), MAIL_FROM: 'Acme <portal@acme.test>' },
        organizations: { DNS_SERVERS: `127.0.0.1:${dns.port}`, DNS_TIMEOUT_MS: '2000' },
        // The certificate expiry scan runs every second here, so the test IdP's 30-day certificate is announced promptly.
        sso: { SSO_CERTIFICATE_SCAN_INTERVAL_MS: '1000' },
      },
    });
    db = new Client({ connectionString: e.stack.databaseUrl('admin-portal') });
    await db.connect();
    // SSO admits only addresses of the organization's verified domains.
    org = await e.workos.organizations.createOrganization({ name: `Portal Co ${uniqueSuffix()}`, domainData: [{ domain: `${uniqueSuffix()}.portal.test`.toLowerCase(), state: DomainDataState.Verified }] });
    domain = (org as unknown as { domains: { domain: string }[] }).domains[0]!.domain;
    idp = await TestSamlIdp.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
  });
  after(async () => {
    await browser?.close();
    await idp?.close();
    await db?.end();
    await e?.stop();
    await smtp?.close();
    await dns?.close();
  });

  async function inspect(page: Page, name: string): Promise<void> {
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `axe on ${name} (${page.url()})`);
    const file = join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (process.env.UPDATE_GALLERY === '1') {
      mkdirSync(GALLERY, { recursive: true });
      copyFileSync(file, join(GALLERY, `${name}.png`));
    }
  }

  /** Waits for `text` on the page; a timeout reports where the browser ended up instead. */
  async function shows(page: Page, text: string): Promise<void> {
    try {
      await page.getByText(text).first().waitFor({ timeout: 20_000 });
    } catch {
      throw new Error(`"${text}" never showed; at ${page.url()}: ${(await page.locator('body').innerText()).slice(0, 600)}`);
    }
  }

  async function open(link: string): Promise<{ ctx: BrowserContext; page: Page; status: number }> {
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 }, locale: 'en-US' });
    const page = await ctx.newPage();
    const res = await page.goto(link);
    return { ctx, page, status: res!.status() };
  }

  const generate = (intent: 'sso' | 'dsync' | 'domain_verification' | 'audit_logs' | 'log_streams' | 'certificate_renewal' | 'bring_your_own_key' = 'sso', organization = org.id, adminEmails?: string[]) =>
    e.workos.adminPortal.generateLink({ organization, intent: intent as never, returnUrl: 'https://app.example.com/settings', successUrl: 'https://app.example.com/done', adminEmails });

  test('generateLink (SDK): a link on the gateway host; bad input is a 422 naming the field; unknown and foreign organizations are 404', async () => {
    const { link } = await generate();
    assert.match(link, new RegExp(`^${e.baseUrl}/portal/o/${org.id}/launch\\?token=[A-Za-z0-9_-]{43}$`));
    const bad = await e.http('POST', '/portal/generate_link', { key: true, body: { organization: org.id, intent: 'payroll' } });
    assert.equal(bad.status, 422, bad.text);
    assert.deepEqual((bad.json as { errors: { field: string }[] }).errors.map((x) => x.field), ['intent']);
    const missing = await e.http('POST', '/portal/generate_link', { key: true, body: { intent: 'sso', return_url: 'javascript:alert(1)' } });
    assert.deepEqual((missing.json as { errors: { field: string }[] }).errors.map((x) => x.field).sort(), ['organization', 'return_url']);
    const err = await expectSdkError(generate('sso', 'org_01HZZZZZZZZZZZZZZZZZZZZZZZ'), NotFoundException, 404);
    assert.equal(err.message, 'Could not find an organization with the id, org_01HZZZZZZZZZZZZZZZZZZZZZZZ.');
    await expectSdkError(e.workos.adminPortal.generateLink({ organization: org.id, intent: 'payroll' as never }), UnprocessableEntityException, 422);
    // Another environment's key cannot reach this organization.
    const other = await e.createEnvironment(`portal-other-${uniqueSuffix()}`);
    await expectSdkError(e.client(other.api_key).adminPortal.generateLink({ organization: org.id, intent: 'sso' as never }), NotFoundException, 404);
  });

  test('IT contacts (SDK): create, list, invite by email into the portal, revoke, delete; bad input and duplicates refused', async () => {
    const orgs = e.workos.organizations;
    const contact = await orgs.createItContact({ organizationId: org.id, email: 'IT.Admin@Portal.test' });
    assert.match(contact.id, /^it_contact_[0-9A-Z]{26}$/);
    assert.equal(contact.email, 'it.admin@portal.test');
    await expectSdkError(orgs.createItContact({ organizationId: org.id, email: 'it.admin@portal.test' }), ConflictException, 409);
    const invalid = await e.http('POST', `/organizations/${org.id}/it_contacts`, { key: true, body: { email: 'not-an-email' } });
    assert.equal(invalid.status, 422);
    assert.deepEqual((invalid.json as { errors: { field: string }[] }).errors.map((x) => x.field), ['email']);
    const list = await orgs.listItContacts({ organizationId: org.id });
    assert.deepEqual(list.data.map((c) => c.id), [contact.id]);
    assert.deepEqual(list.listMetadata, { before: null, after: null });

    const badIntent = await e.http('POST', `/organizations/${org.id}/it_contacts/${contact.id}/invite`, { key: true, body: { intents: ['sso', 'payroll'] } });
    assert.equal(badIntent.status, 422);
    assert.deepEqual((badIntent.json as { errors: { field: string }[] }).errors.map((x) => x.field), ['intents.1']);

    const mark = smtp.messages.length;
    await orgs.inviteItContact({ organizationId: org.id, contactId: contact.id, intents: ['directory_sync', 'domain_verification'] });
    const mail = await smtp.waitForMail((m) => m.envelopeTo.includes('it.admin@portal.test'), { from: mark, timeoutMs: 30_000 });
    const invited = /(http:\/\/\S+\/launch\?token=[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    assert.match(mail.subject, /Directory Sync, domain verification/);

    // The emailed link opens the portal on the invited intents only.
    const { ctx, page, status } = await open(invited);
    assert.equal(status, 200);
    assert.match(page.url(), new RegExp(`/portal/o/${org.id}/dsync$`));
    const sso = await page.goto(`${e.baseUrl}/portal/o/${org.id}/sso`);
    assert.equal(sso!.status(), 403);

    // Revoking ends the session opened from the link, and a second invitation's link dies unopened.
    await orgs.inviteItContact({ organizationId: org.id, contactId: contact.id, intents: ['sso'] });
    const second = await smtp.waitForMail((m) => m.envelopeTo.includes('it.admin@portal.test') && /Set up single sign-on/.test(m.subject), { from: mark, timeoutMs: 30_000 });
    await orgs.revokeItContact({ organizationId: org.id, contactId: contact.id });
    assert.equal((await page.reload())!.status(), 403);
    await ctx.close();
    const revoked = await open(/(http:\/\/\S+\/launch\?token=[A-Za-z0-9_-]+)/.exec(second.text)![1]!);
    assert.equal(revoked.status, 410);
    assert.match(await revoked.page.content(), /invitation was revoked/);
    await revoked.ctx.close();

    await orgs.deleteItContact({ organizationId: org.id, contactId: contact.id });
    assert.deepEqual((await orgs.listItContacts({ organizationId: org.id })).data, []);
    await expectSdkError(orgs.revokeItContact({ organizationId: org.id, contactId: contact.id }), NotFoundException, 404);
  });

  test('generateLink with adminEmails: each admin becomes an IT contact and is emailed a link of their own; the limits and bad addresses are refused', async () => {
    const orgs = e.workos.organizations;
    const adminsOrg = await orgs.createOrganization({ name: `Admins Co ${uniqueSuffix()}` });
    const existing = await orgs.createItContact({ organizationId: adminsOrg.id, email: 'kim@admins.test' });
    const mark = smtp.messages.length;
    const { link } = await generate('dsync', adminsOrg.id, ['Lea@Admins.test', 'kim@admins.test', 'lea@admins.test']);
    assert.match(link, new RegExp(`/portal/o/${adminsOrg.id}/launch\\?token=`));
    const contacts = (await orgs.listItContacts({ organizationId: adminsOrg.id })).data;
    assert.deepEqual(contacts.map((c) => c.email).sort(), ['kim@admins.test', 'lea@admins.test'], 'one contact per address, the existing one kept');
    assert.ok(contacts.some((c) => c.id === existing.id));

    const linkIn = (text: string) => /(http:\/\/\S+\/launch\?token=[A-Za-z0-9_-]+)/.exec(text)![1]!;
    const mails = await Promise.all(['lea@admins.test', 'kim@admins.test'].map((to) => smtp.waitForMail((m) => m.envelopeTo.includes(to), { from: mark, timeoutMs: 30_000 })));
    for (const m of mails) assert.match(m.subject, /Set up Directory Sync for Admins Co/);
    const links = mails.map((m) => linkIn(m.text));
    assert.equal(new Set([link, ...links]).size, 3, 'every admin has a link of their own, and so has the caller');
    assert.equal(smtp.messages.slice(mark).filter((m) => m.envelopeTo.includes('lea@admins.test')).length, 1, 'a repeated address is mailed once');

    // Each admin's link opens the portal on the link's intent; the caller's link still opens too.
    for (const l of [...links, link]) {
      const { ctx, page, status } = await open(l);
      assert.equal(status, 200);
      assert.match(page.url(), new RegExp(`/portal/o/${adminsOrg.id}/dsync$`));
      await ctx.close();
    }
    // The admin is an IT contact like any other: revoking them ends what their link opened.
    const lea = contacts.find((c) => c.email === 'lea@admins.test')!;
    const again = await generate('sso', adminsOrg.id, ['lea@admins.test']);
    const second = await smtp.waitForMail((m) => m.envelopeTo.includes('lea@admins.test') && /single sign-on/.test(m.subject), { from: mark, timeoutMs: 30_000 });
    await orgs.revokeItContact({ organizationId: adminsOrg.id, contactId: lea.id });
    const revoked = await open(linkIn(second.text));
    assert.equal(revoked.status, 410);
    await revoked.ctx.close();
    assert.equal((await open(again.link)).status, 200, "the caller's own link is not the contact's");

    // Bad input: nothing is written, nothing is sent.
    const before = smtp.messages.length;
    const tooMany = await e.http('POST', '/portal/generate_link', { key: true, body: { organization: adminsOrg.id, intent: 'sso', admin_emails: Array.from({ length: 21 }, (_, i) => `a${i}@admins.test`) } });
    assert.equal(tooMany.status, 422, tooMany.text);
    assert.deepEqual((tooMany.json as { errors: { field: string }[] }).errors.map((x) => x.field), ['admin_emails']);
    const invalid = await e.http('POST', '/portal/generate_link', { key: true, body: { organization: adminsOrg.id, intent: 'sso', admin_emails: ['ok@admins.test', 'not-an-email'] } });
    assert.deepEqual((invalid.json as { errors: { field: string }[] }).errors.map((x) => x.field), ['admin_emails.1']);
    await expectSdkError(generate('sso', 'org_01HZZZZZZZZZZZZZZZZZZZZZZZ', ['who@admins.test']), NotFoundException, 404);
    const other = await e.createEnvironment(`portal-admins-${uniqueSuffix()}`);
    await expectSdkError(e.client(other.api_key).adminPortal.generateLink({ organization: adminsOrg.id, intent: 'sso' as never, adminEmails: ['x@admins.test'] }), NotFoundException, 404);
    assert.deepEqual((await orgs.listItContacts({ organizationId: adminsOrg.id })).data.map((c) => c.email).sort(), ['kim@admins.test', 'lea@admins.test']);
    assert.equal(smtp.messages.length, before, 'no mail for refused requests');
  });

  test('bring your own key: the IT admin sees the status, brings a key by keyboard, and revokes it (confirmed); vault data goes unreadable, with vault\'s events', async () => {
    const byokOrg = await e.workos.organizations.createOrganization({ name: `Keys Co ${uniqueSuffix()}` });
    const secret = await e.workos.vault.createObject({ name: `byok-portal-${uniqueSuffix()}`, value: 'payroll export', context: { organization_id: byokOrg.id } });
    const { ctx, page, status } = await open((await generate('bring_your_own_key', byokOrg.id)).link);
    assert.equal(status, 200);
    assert.match(page.url(), /\/bring_your_own_key$/);
    await shows(page, 'No key of yours is active');
    await inspect(page, 'byok-none');

    // Garbage key material: vault's own refusal on a page, nothing registered.
    await page.getByLabel('Key material (32 bytes, base64)').fill('bm90IGEga2V5');
    await page.getByRole('button', { name: 'Bring this key' }).click();
    await shows(page, 'The request could not be completed');
    assert.equal(page.url().endsWith('/bring_your_own_key/key'), true);
    await inspect(page, 'error-upstream');
    const keysOf = async () => ((await e.http('GET', `/vault/v1/byok/keys?organization_id=${byokOrg.id}`, { key: true })).json as { data: { id: string; state: string; key_check_value: string }[] }).data;
    assert.deepEqual(await keysOf(), []);

    // Keyboard only: Tab to the material field, type, Enter submits.
    await page.goto(`${e.baseUrl}/portal/o/${byokOrg.id}/bring_your_own_key`);
    const material = randomBytes(32);
    for (let i = 0; i < 40 && (await page.evaluate('document.activeElement && document.activeElement.id')) !== 'f-material'; i++) await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'f-material', 'the key field is reachable with Tab');
    await page.keyboard.type(material.toString('base64'));
    await page.keyboard.press('Enter');
    await shows(page, `Its check value is ${kcv(material)}`);
    const [key] = await keysOf();
    assert.deepEqual([key!.state, key!.key_check_value], ['active', kcv(material)]);
    assert.equal(await page.getByText(material.toString('base64')).count(), 0, 'the key material is never shown back');
    assert.equal((await e.workos.vault.readObject({ id: secret.id })).value, 'payroll export', 'the data is readable under the key');
    await page.goto(`${e.baseUrl}/portal/o/${byokOrg.id}/bring_your_own_key`);
    await shows(page, 'Your key protects');
    await inspect(page, 'byok-active');

    // Another organization's key cannot be revoked from this session, nor without the confirmation or the CSRF token.
    const foreignOrg = await e.workos.organizations.createOrganization({ name: `Foreign Keys ${uniqueSuffix()}` });
    const foreign = await e.http('POST', '/vault/v1/byok/keys', { key: true, body: { organization_id: foreignOrg.id, key_provider: 'LOCAL', key_material: randomBytes(32).toString('base64') } });
    assert.equal(foreign.status, 201, foreign.text);
    const foreignId = (foreign.json as { id: string }).id;
    const csrfToken = await page.locator('input[name="csrf_token"]').first().inputValue();
    const post = (path: string, form: Record<string, string>) => ctx.request.post(`${e.baseUrl}/portal/o/${byokOrg.id}/${path}`, { form, maxRedirects: 0 });
    assert.equal((await post(`bring_your_own_key/${foreignId}/revoke`, { csrf_token: csrfToken, confirm: 'yes' })).status(), 400);
    assert.equal((await post(`bring_your_own_key/${key!.id}/revoke`, { csrf_token: csrfToken })).status(), 400, 'no confirmation, no revocation');
    assert.equal((await post(`bring_your_own_key/${key!.id}/revoke`, { confirm: 'yes' })).status(), 403, 'no CSRF token');
    assert.equal((await post('bring_your_own_key/key', { csrf_token: csrfToken, key_provider: 'LOCAL', key_material: randomBytes(32).toString('base64') })).status(), 400, 'one active key at a time (vault 409)');
    const foreignNow = (await e.http('GET', `/vault/v1/byok/keys/${foreignId}`, { key: true })).json as { state: string };
    assert.equal(foreignNow.state, 'active');
    assert.deepEqual((await keysOf()).map((k) => k.state), ['active']);

    // Keyboard: tick the box with Space, Tab to the button, Enter.
    await page.locator('#f-confirm').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.textContent'), 'Revoke key');
    await page.keyboard.press('Enter');
    await shows(page, 'The key was revoked.');
    assert.equal(await page.locator('#byok-history tbody tr').count(), 1);
    await inspect(page, 'byok-revoked');
    assert.deepEqual((await keysOf()).map((k) => k.state), ['revoked']);
    const refused = await e.http('GET', `/vault/v1/kv/${secret.id}`, { key: true });
    assert.deepEqual([refused.status, (refused.json as { code: string }).code], [403, 'byok_key_revoked']);
    await waitForEvents(
      e.workos,
      ['vault.byok_key.verification_completed', 'vault.byok_key.deleted'] as EventName[],
      (all) => all.some((ev) => (ev.event as string) === 'vault.byok_key.deleted' && (ev.data as { byok_key_id?: string }).byok_key_id === key!.id),
      { message: 'vault.byok_key.deleted for the portal-revoked key' },
    );
    // A session of another intent does not reach the page.
    const sso = await open((await generate('sso', byokOrg.id)).link);
    assert.equal((await sso.page.goto(`${e.baseUrl}/portal/o/${byokOrg.id}/bring_your_own_key`))!.status(), 403);
    await inspect(sso.page, 'error-intent');
    await sso.ctx.close();
    await ctx.close();
  });

  test('an IT admin sets up SAML through the portal and passes the self-test; a NameID mismatch is named with its fix', async () => {
    const { link } = await generate('sso');
    const { ctx, page, status } = await open(link);
    assert.equal(status, 200);
    await inspect(page, 'sso-setup');
    // Before the setup: return_url is the way back, success_url is not offered yet.
    assert.equal(await page.locator('#return-link').getAttribute('href'), 'https://app.example.com/settings');
    assert.equal(await page.locator('#success-link').count(), 0, 'no success link before the setup is complete');
    await page.getByLabel('Identity provider').selectOption('OktaSAML');
    await page.getByLabel('IdP metadata XML').fill(idp.metadataXml());
    await page.getByRole('button', { name: 'Save connection' }).click();
    await shows(page, 'Our service provider details');
    await inspect(page, 'sso-connection');

    // The IT admin copies our SP metadata into the IdP's console.
    const acs = await page.locator('dt:has-text("ACS URL") + dd').innerText();
    assert.match(acs, new RegExp(`^${e.baseUrl}/sso/saml/acs/conn_`));
    const connectionId = /conn_[0-9A-Z]{26}/.exec(acs)![0];
    const sp = await e.http('GET', `/connections/${connectionId}/sp_metadata`, { key: true });
    idp.trust((sp.json as { metadata_xml: string }).metadata_xml);

    idp.user = { nameId: `ann@${domain}`, attributes: { email: `ann@${domain}`, firstName: 'Ann', lastName: 'Lee', groups: ['Engineering'] } };
    await page.getByRole('button', { name: 'Test connection' }).click();
    await shows(page, 'The test passed');
    assert.match(await page.content(), /No known identity-provider issue found/);
    // The connection is active: the setup is complete, and success_url is offered.
    assert.equal(await page.locator('#success-link').getAttribute('href'), 'https://app.example.com/done');
    await inspect(page, 'sso-test-passed');
    const conn = await e.workos.sso.getConnection(connectionId);
    assert.equal(conn.state, 'active');

    // Negative: the IdP sends another identifier as NameID than the user's email.
    idp.user = { nameId: 'a.lee@corp.example.com', attributes: { email: `ann@${domain}` } };
    await page.goto(`${e.baseUrl}/portal/o/${org.id}/sso`);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await shows(page, 'The test passed');
    assert.equal(await page.locator('#quirk-nameid_mismatch').count(), 1);
    assert.equal(await page.locator('#quirk-missing_name').count(), 1);
    assert.match(await page.locator('#quirk-nameid_mismatch').innerText(), /Fix: Send the email as NameID/);
    await inspect(page, 'sso-test-quirks');

    /** Runs the test again; the portal callback's query (a refused test brings `error`, never a `code`). */
    const testAgain = async () => {
      await page.goto(`${e.baseUrl}/portal/o/${org.id}/sso`);
      const callback = page.waitForRequest((r) => r.url().includes('/sso/test/callback'), { timeout: 30_000 });
      await page.getByRole('button', { name: 'Test connection' }).click();
      return new URL((await callback).url()).searchParams;
    };
    // The IdP asserts no email (a NameID that is not one, no email attribute): sso refuses the
    // sign-in, and the portal's result page names the failed check.
    idp.user = { nameId: 'ann.lee', attributes: { firstName: 'Ann', lastName: 'Lee' } };
    const noEmail = await testAgain();
    assert.equal(noEmail.get('error'), 'missing_email');
    assert.equal(noEmail.get('code'), null, 'a refused test sign-in carries no code');
    await shows(page, 'The test failed');
    assert.equal(await page.locator('#check-email').innerText(), 'Missing');
    assert.match(await page.locator('#check-clock').innerText(), /^Within the accepted skew/);
    await inspect(page, 'sso-test-missing-email');

    // The IdP's clock runs 15 minutes ahead: its assertion is not yet valid at ours.
    idp.user = { nameId: `ann@${domain}`, attributes: { email: `ann@${domain}`, firstName: 'Ann', lastName: 'Lee' } };
    idp.browserOverrides = { notBefore: new Date(Date.now() + 15 * 60_000), notOnOrAfter: new Date(Date.now() + 20 * 60_000) };
    try {
      const skewed = await testAgain();
      assert.equal(skewed.get('error'), 'assertion_not_yet_valid');
      assert.equal(skewed.get('code'), null);
      await shows(page, 'The test failed');
      assert.match(await page.locator('#check-clock').innerText(), /^Beyond the accepted skew/);
      assert.match(await page.locator('#check-email').innerText(), /^Not checked/);
      await inspect(page, 'sso-test-clock-skew');
    } finally {
      idp.browserOverrides = {};
    }
    // A real (non-test) sign-in that asserts no email is still refused outright by sso.
    idp.user = { nameId: 'ann.lee', attributes: { firstName: 'Ann', lastName: 'Lee' } };
    const app = 'https://app.example.com/callback';
    await e.addRedirectUri(app);
    const real = await new HttpBrowser().browse(e.workos.sso.getAuthorizationUrl({ connection: connectionId, redirectUri: app, clientId: e.creds.client_id }), app);
    assert.equal(real.landed, undefined);
    assert.equal(real.status, 400);
    assert.equal((JSON.parse(real.body) as { code: string }).code, 'missing_email');
    await ctx.close();
  });

  test('an IT admin sets up an OIDC IdP through the portal: the page shows the redirect URI to register, and the self-test signs in through it', async () => {
    const oidcDomain = `${uniqueSuffix()}.oidc.test`.toLowerCase();
    const oidcOrg = await e.workos.organizations.createOrganization({ name: `OIDC Co ${uniqueSuffix()}`, domainData: [{ domain: oidcDomain, state: DomainDataState.Verified }] });
    const redirectUri = `${e.baseUrl}/sso/oidc/callback`;
    // The IdP admits only the redirect URI the portal tells the IT admin to register.
    const op = await TestOidcIdp.start([{ client_id: 'portal-oidc', client_secret: 'portal-oidc-secret', redirect_uris: [redirectUri] }]);
    try {
      const { link } = await generate('sso', oidcOrg.id);
      const { ctx, page } = await open(link);
      // Before the connection exists: the client is registered at the IdP first, so the form says where to.
      assert.equal(await page.locator('dt:has-text("Redirect URI") + dd').innerText(), redirectUri);
      await page.getByLabel('Identity provider').selectOption('GenericOIDC');
      await page.getByLabel('Discovery URL').fill(`${op.issuer}/.well-known/openid-configuration`);
      await page.getByLabel('Client ID').fill('portal-oidc');
      await page.getByLabel('Client secret').fill('portal-oidc-secret');
      await page.getByRole('button', { name: 'Save connection' }).click();
      await shows(page, 'Register this redirect URI');
      assert.equal(await page.locator('dt:has-text("Redirect URI") + dd').innerText(), redirectUri);
      assert.equal(await page.locator('dt:has-text("ACS URL")').count(), 0, 'no SAML details for an OIDC connection');
      await inspect(page, 'sso-oidc-connection');

      op.user = { sub: 'olga-1', claims: { email: `olga@${oidcDomain}`, email_verified: true, given_name: 'Olga', family_name: 'Ode' } };
      await page.getByRole('button', { name: 'Test connection' }).click();
      await shows(page, 'The test passed');
      assert.match(await page.locator('body').innerText(), new RegExp(`olga@${oidcDomain.replace(/\./g, '\\.')}`));
      await ctx.close();
    } finally {
      await op.close();
    }
  });

  test('a connection that wants encrypted assertions and signs its requests: the SSO page shows both our certificates, as the SP metadata has them', async () => {
    const encOrg = await e.workos.organizations.createOrganization({ name: `Enc Co ${uniqueSuffix()}` });
    const idpCert = await selfSigned([{ name: 'commonName', value: 'encrypting-idp' }], { keySize: 2048, algorithm: 'sha256' });
    const saml = { idp_entity_id: 'https://idp.enc.test/entity', idp_sso_url: 'https://idp.enc.test/sso', idp_certificate: idpCert.cert, encrypt_assertions: true, sign_requests: true };
    const created = await e.http('POST', '/connections', { key: true, body: { organization_id: encOrg.id, name: 'Encrypting IdP', connection_type: 'OktaSAML', saml } });
    assert.equal(created.status, 201, created.text);
    const sp = (await e.http('GET', `/connections/${(created.json as { id: string }).id}/sp_metadata`, { key: true })).json as { signing_certificate: string; encryption_certificate: string };
    assert.match(sp.encryption_certificate, /^-----BEGIN CERTIFICATE-----/);
    const { link } = await generate('sso', encOrg.id);
    const { ctx, page } = await open(link);
    await shows(page, 'Encryption certificate');
    assert.equal((await page.locator('#sp-encryption-certificate').innerText()).trim(), sp.encryption_certificate.trim());
    assert.equal((await page.locator('#sp-signing-certificate').innerText()).trim(), sp.signing_certificate.trim());
    await inspect(page, 'sso-certificates');
    await ctx.close();
  });

  test('certificate renewal: an IdP certificate expiring in 20 days is announced once, renewed in the portal, the old one removed; bad input refused', async () => {
    type Notice = { connection: { id: string; organization_id: string }; certificate: { certificate_type: string; expiry_date: string; is_expired?: boolean }; days_until_expiry?: number };
    // An organization whose IdP signs with a certificate that expires in 20 days.
    const certOrg = await e.workos.organizations.createOrganization({ name: `Cert Co ${uniqueSuffix()}` });
    const expiring = await selfSigned([{ name: 'commonName', value: 'expiring-idp' }], { keySize: 2048, algorithm: 'sha256', notAfterDate: new Date(Date.now() + 20 * 86_400_000) });
    const saml = { idp_entity_id: 'https://idp.cert.test/entity', idp_sso_url: 'https://idp.cert.test/sso', idp_certificate: expiring.cert };
    const created = await e.http('POST', '/connections', { key: true, body: { organization_id: certOrg.id, name: 'Expiring IdP', connection_type: 'OktaSAML', saml } });
    assert.equal(created.status, 201, created.text);
    const conn = created.json as { id: string };
    assert.equal((await e.http('POST', `/connections/${conn.id}/activate`, { key: true })).status, 200);
    const about = (x: { data: unknown }) => (x.data as Notice).connection.id === conn.id;
    // The test IdP signs with a 30-day certificate: inside the 90-day window, at the 30-day step.
    const [required] = (await waitForEvents(e.workos, [RENEWAL_REQUIRED], (all) => all.some(about), { message: 'renewal_required for the connection' })).filter(about);
    const notice = required!.data as unknown as Notice;
    assert.equal(notice.connection.organization_id, certOrg.id);
    assert.equal(notice.certificate.certificate_type, 'ResponseSigning');
    assert.equal(notice.certificate.is_expired, false);
    assert.ok(notice.days_until_expiry! >= 18 && notice.days_until_expiry! <= 20, `days_until_expiry ${notice.days_until_expiry}`);

    const { link } = await generate('certificate_renewal', certOrg.id);
    const { ctx, page, status } = await open(link);
    assert.equal(status, 200);
    assert.equal(await page.locator('tbody tr').count(), 1);
    assert.match(await page.locator('tbody tr').innerText(), /days left/);
    await inspect(page, 'certificate-renewal');

    // Garbage is refused with the sso service's own message, and changes nothing.
    await page.getByLabel('New certificate (PEM)').fill('not a certificate');
    await page.getByRole('button', { name: 'Add certificate' }).click();
    await shows(page, 'not an X.509 certificate');
    await page.goto(`${e.baseUrl}/portal/o/${certOrg.id}/certificate_renewal`);

    const next = await selfSigned([{ name: 'commonName', value: 'renewed-idp' }], { keySize: 2048, algorithm: 'sha256', notAfterDate: new Date(Date.now() + 365 * 86_400_000) });
    await page.getByLabel('New certificate (PEM)').fill(next.cert);
    await page.getByRole('button', { name: 'Add certificate' }).click();
    await shows(page, 'Remove');
    assert.equal(await page.locator('tbody tr').count(), 2);
    await inspect(page, 'certificate-renewal-two');
    const renewed = (await waitForEvents(e.workos, [RENEWED], (all) => all.some(about), { message: 'renewed for the connection' })).filter(about);
    assert.equal(renewed.length, 1);
    const renewal = renewed[0]!.data as unknown as Notice & { renewed_at: string };
    assert.ok(Math.abs(Date.parse(renewal.certificate.expiry_date) - (Date.now() + 365 * 86_400_000)) < 2 * 86_400_000);
    assert.ok(renewal.renewed_at);

    // The old certificate goes; the new one stays, and the last can never be removed.
    const listed = async () => ((await e.http('GET', `/connections/${conn.id}/certificates`, { key: true })).json as { data: { fingerprint: string; days_until_expiry: number }[] }).data;
    const before = await listed();
    const old = before.reduce((a, b) => (a.days_until_expiry < b.days_until_expiry ? a : b));
    await page.locator(`form[action$="/certificate_renewal/${old.fingerprint}/delete"] button`).click();
    await shows(page, 'Add certificate');
    const after = await listed();
    assert.deepEqual(after.map((c) => c.fingerprint), before.filter((c) => c !== old).map((c) => c.fingerprint));
    assert.equal(await page.locator('tbody tr form').count(), 0, 'no remove button for the last certificate');
    const last = await e.http('DELETE', `/connections/${conn.id}/certificates/${after[0]!.fingerprint}`, { key: true });
    assert.equal(last.status, 409);
    assert.equal((last.json as { code: string }).code, 'last_certificate');
    // Bad input through the API: unknown fingerprint, bad body, foreign environment.
    assert.equal((await e.http('DELETE', `/connections/${conn.id}/certificates/${'0'.repeat(64)}`, { key: true })).status, 404);
    assert.equal((await e.http('DELETE', `/connections/${conn.id}/certificates/..%2F..`, { key: true })).status, 404);
    assert.equal((await e.http('POST', `/connections/${conn.id}/certificates`, { key: true, body: { certificate: 1 } })).status, 422);
    const stranger = await e.createEnvironment(`certs-${uniqueSuffix()}`);
    assert.equal((await e.http('GET', `/connections/${conn.id}/certificates`, { key: stranger.api_key })).status, 404);
    // Announced once: the scans that ran since (one a second) sent no second notice at that step.
    const notices = (await waitForEvents(e.workos, [RENEWAL_REQUIRED], () => true)).filter(about);
    assert.equal(notices.length, 1);
    await ctx.close();
  });

  test('links that cannot open: reused, expired, another organization; forms without the right CSRF token; French pages', async () => {
    const { link } = await generate('sso');
    const first = await open(link);
    assert.equal(first.status, 200);
    const reuse = await first.page.goto(link);
    assert.equal(reuse!.status(), 410);
    assert.match(await first.page.content(), /already used/);
    await inspect(first.page, 'error-link-used');

    // CSRF: the session cookie alone does not make a form post run.
    for (const token of [undefined, 'wrong-token-wrong-token-wrong']) {
      // The browser context's own request client carries its cookies (the pages' CSP allows no fetch).
      const res = await first.ctx.request.post(`${e.baseUrl}/portal/o/${org.id}/sso/delete`, { form: token ? { csrf_token: token } : {}, maxRedirects: 0 });
      assert.equal(res.status(), 403);
    }
    assert.equal((await e.workos.sso.listConnections({ organizationId: org.id })).data.length, 1, 'the refused posts deleted nothing');
    await first.ctx.close();

    // Another organization's path: the link is refused there, and stays unspent for its own.
    const other = await e.workos.organizations.createOrganization({ name: `Other ${uniqueSuffix()}` });
    const { link: fresh } = await generate('sso');
    const foreign = await open(fresh.replace(`/portal/o/${org.id}/`, `/portal/o/${other.id}/`));
    assert.equal(foreign.status, 404);
    await inspect(foreign.page, 'error-link-unknown');
    await foreign.ctx.close();
    const own = await open(fresh);
    assert.equal(own.status, 200);
    // Its cookie is scoped to its organization's path: the other organization's pages see no session.
    assert.equal((await own.page.goto(`${e.baseUrl}/portal/o/${other.id}/sso`))!.status(), 403);
    await inspect(own.page, 'error-session');
    // A form whose token is not the session's, in the browser: the CSRF page, nothing done.
    await own.page.goto(`${e.baseUrl}/portal/o/${org.id}/sso`);
    await own.page.locator('input[name="csrf_token"]').first().evaluate((input) => ((input as { value: string }).value = 'not-the-session-token'));
    const [refused] = await Promise.all([own.page.waitForResponse((r) => r.request().method() === 'POST'), own.page.locator('form button[type="submit"]').first().click()]);
    assert.equal(refused.status(), 403);
    await inspect(own.page, 'error-csrf');
    assert.equal((await e.workos.sso.listConnections({ organizationId: org.id })).data.length, 1, 'the refused post changed nothing');
    await own.ctx.close();

    const { link: stale } = await generate('sso');
    await db.query("UPDATE portal_links SET expires_at = now() - interval '1 second' WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [new URL(stale).searchParams.get('token')]);
    const expired = await open(stale);
    assert.equal(expired.status, 410);
    assert.match(await expired.page.content(), /expired/);
    await inspect(expired.page, 'error-link-expired');
    await expired.ctx.close();

    const fr = await browser.newContext({ locale: 'fr-FR', extraHTTPHeaders: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    const frPage = await fr.newPage();
    await frPage.goto((await generate('sso')).link);
    assert.match(await frPage.content(), /Nos informations de fournisseur de services/);
    await inspect(frPage, 'sso-fr');
    await fr.close();
  });

  test('Directory Sync and domain verification pages: the SCIM token is shown once and works; a TXT record and "verify now"', async () => {
    const { page, ctx } = await open((await generate('dsync')).link);
    await inspect(page, 'dsync-setup');
    await page.getByLabel('Directory provider').selectOption('okta scim v2.0');
    await page.getByRole('button', { name: 'Create directory' }).click();
    await shows(page, 'Copy the token now');
    await inspect(page, 'dsync-token');
    const baseUrl = await page.locator('dt:has-text("SCIM base URL") + dd').innerText();
    const token = await page.locator('dt:has-text("Bearer token") + dd').innerText();
    // A provisioning run with what the page gave the IT admin.
    const scim = await fetch(`${baseUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `bo@${domain}`, name: { givenName: 'Bo', familyName: 'Ng' }, emails: [{ value: `bo@${domain}`, primary: true }], active: true }),
    });
    const created = await scim.text();
    assert.equal(scim.status, 201, created);
    const bo = JSON.parse(created) as { id: string };
    // An Okta group push without members, then an Entra-style PATCH ("Replace", "False").
    const scimCall = (method: string, path: string, body: unknown) =>
      fetch(`${baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify(body) });
    const group = await scimCall('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Portal engineers' });
    assert.equal(group.status, 201);
    const groupId = ((await group.json()) as { id: string }).id;
    const entra = await scimCall('PATCH', `/Users/${bo.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    assert.equal(entra.status, 200, await entra.text());
    assert.equal((await scimCall('GET', '/Users/nope', undefined)).status, 404);
    assert.equal((await fetch(`${baseUrl}/Users`, { headers: { authorization: 'Bearer wrong' } })).status, 401);

    // The run shows on the page: each request with its status, the quirks named with their fix; a wrong token records nothing.
    await waitFor(async () => {
      await page.goto(`${e.baseUrl}/portal/o/${org.id}/dsync`);
      return (await page.locator('#scim-requests tbody tr').count()) === 4 || undefined;
    }, { timeoutMs: 15_000, message: 'the four authenticated SCIM requests in the portal' });
    assert.equal(await page.getByText(token).count(), 0, 'the token is not shown again');
    const rows = await page.locator('#scim-requests tbody tr').allInnerTexts();
    assert.match(rows[0]!, /GET \/scim\/v2\/[^/]+\/Users\/nope\s+404/);
    assert.match(rows[1]!, /PATCH .*\s+200[\s\S]*capitalised[\s\S]*"True"\/"False" strings/);
    assert.match(rows[2]!, /POST .*\/Groups\s+201[\s\S]*Okta Push Groups/);
    assert.match(rows[3]!, /POST .*\/Users\s+201/);
    const api = await e.http('GET', `/directories/${baseUrl.split('/').at(-1)}/scim_requests`, { key: true });
    assert.deepEqual((api.json as { data: { quirks: string[] }[] }).data.map((r) => r.quirks.sort()), [[], ['capitalised_patch_ops', 'string_booleans'], ['group_without_members'], []]);

    // Group → role mapping through the portal.
    await page.getByLabel('Directory group').selectOption(groupId);
    await page.getByLabel('Role slug').fill('member');
    await page.getByRole('button', { name: 'Map group to role' }).click();
    await shows(page, 'Portal engineers');
    assert.equal(await page.locator('#role-mappings dd').innerText(), 'member');
    await inspect(page, 'dsync-activity');
    // The IdP reached the directory (it is linked): the setup is complete, success_url is offered.
    assert.equal(await page.locator('#success-link').getAttribute('href'), 'https://app.example.com/done');

    // Token rotation: the new token is shown once; the old one stops working, the new one works.
    await page.getByRole('button', { name: 'Rotate token' }).click();
    await shows(page, 'Copy the token now');
    const rotated = await page.locator('dt:has-text("Bearer token") + dd').innerText();
    assert.notEqual(rotated, token);
    assert.equal((await fetch(`${baseUrl}/Users`, { headers: { authorization: `Bearer ${token}` } })).status, 401, 'the old token stops working');
    const withNew = await fetch(`${baseUrl}/Users`, { headers: { authorization: `Bearer ${rotated}` } });
    assert.equal(withNew.status, 200, 'the new token works');
    assert.match(await withNew.text(), new RegExp(`bo@${domain.replace(/\./g, '\\.')}`));
    await ctx.close();

    // Domain verification, for an organization with no domain yet: its empty state, a domain
    // whose TXT record is missing (verify now: failed), one whose record is published (verified).
    const domOrg = await e.workos.organizations.createOrganization({ name: `Domains Co ${uniqueSuffix()}` });
    const d = await open((await generate('domain_verification', domOrg.id)).link);
    await shows(d.page, 'No domain yet.');
    assert.equal(await d.page.locator('#success-link').count(), 0, 'nothing verified: no success link');
    await inspect(d.page, 'domains-none');
    const [missing, published] = ['missing', 'published'].map((x) => `${x}-${uniqueSuffix()}.verify.test`.toLowerCase());
    for (const name of [missing, published]) {
      await d.page.getByLabel('Domain').fill(name);
      await d.page.getByRole('button', { name: 'Add domain' }).click();
      await shows(d.page, `${name}: pending`);
    }
    await inspect(d.page, 'domain-verification');
    const records = ((await e.http('GET', `/organizations/${domOrg.id}`, { key: true })).json as { domains: { domain: string; verification_prefix: string; verification_token: string }[] }).domains;
    const record = records.find((x) => x.domain === published)!;
    dns.setTxt(`${record.verification_prefix}.${published}`, [record.verification_token]);
    await d.page.getByRole('form', { name: missing }).getByRole('button', { name: 'Verify now' }).click();
    await shows(d.page, `${missing}: failed`);
    assert.equal(await d.page.locator('#success-link').count(), 0, 'a failed verification completes nothing');
    await inspect(d.page, 'domain-verification-failed');
    await d.page.getByRole('form', { name: published }).getByRole('button', { name: 'Verify now' }).click();
    await shows(d.page, `${published}: verified`);
    assert.equal(await d.page.getByRole('form', { name: published }).count(), 0, 'a verified domain has nothing left to verify');
    const states = ((await e.http('GET', `/organizations/${domOrg.id}`, { key: true })).json as { domains: { domain: string; state: string }[] }).domains;
    assert.deepEqual(Object.fromEntries(states.map((x) => [x.domain, x.state])), { [missing]: 'failed', [published]: 'verified' });
    await inspect(d.page, 'domain-verified');
    // Complete: the success link is offered, and it opens the app's success_url.
    await d.page.route('https://app.example.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>done</p>' }));
    await d.page.locator('#success-link').click();
    await d.page.waitForURL('https://app.example.com/done');
    await d.ctx.close();
  });

  test('Audit logs and log streams: an export of the organization\'s events downloads as CSV; a stream is added and deleted', async () => {
    await e.workos.auditLogs.createEvent(org.id, {
      action: 'portal.test_action',
      occurredAt: new Date(),
      actor: { id: 'user_1', type: 'user' },
      targets: [{ id: 'doc_1', type: 'document' }],
      context: { location: '192.0.2.1' },
    });
    const a = await open((await generate('audit_logs')).link);
    await shows(a.page, 'Export audit logs');
    assert.equal(await a.page.locator('#success-link').count(), 0, 'no export yet: no success link');
    await inspect(a.page, 'audit-logs-empty');
    await a.page.getByLabel('Events of the last').selectOption('7');
    await a.page.getByRole('button', { name: 'Export as CSV' }).click();
    await shows(a.page, 'The export is ready.');
    assert.equal(await a.page.locator('#success-link').getAttribute('href'), 'https://app.example.com/done');
    await inspect(a.page, 'audit-logs');
    const csv = await fetch(await a.page.locator('#export-download').getAttribute('href').then((x) => x!));
    assert.equal(csv.status, 200);
    assert.match(await csv.text(), /portal\.test_action/);
    await a.ctx.close();

    const l = await open((await generate('log_streams')).link);
    await shows(l.page, 'No log stream yet.');
    assert.equal(await l.page.locator('#success-link').count(), 0, 'no stream yet: no success link');
    await inspect(l.page, 'log-streams-empty');
    await l.page.getByLabel('Destination').selectOption('https');
    await l.page.getByLabel('Name (optional)').fill('SIEM');
    await l.page.getByLabel('Endpoint URL').fill('http://127.0.0.1:9/ingest');
    await l.page.getByRole('button', { name: 'Add log stream' }).click();
    await shows(l.page, 'https stream SIEM, active');
    assert.match(await l.page.locator('dt:has-text("Signing secret") + dd').innerText(), /^lss_/);
    assert.equal(await l.page.locator('#success-link').getAttribute('href'), 'https://app.example.com/done');
    await inspect(l.page, 'log-streams');
    const listed = await e.http('GET', `/audit_logs/log_streams?organization_id=${org.id}`, { key: true });
    assert.deepEqual((listed.json as { data: { name: string }[] }).data.map((x) => x.name), ['SIEM']);
    await l.page.goto(`${e.baseUrl}/portal/o/${org.id}/log_streams`);
    await l.page.getByRole('button', { name: 'Delete' }).click();
    await shows(l.page, 'No log stream yet.');
    await l.ctx.close();
  });
  test('each page renders warm without calling another service; a portal write shows on the next render, a change through the API within PORTAL_READ_CACHE_MS', async () => {
    const warm = await e.workos.organizations.createOrganization({ name: `Warm Co ${uniqueSuffix()}`, domainData: [{ domain: `${uniqueSuffix()}.warm.test`.toLowerCase(), state: DomainDataState.Verified }] });
    const warmDomain = (warm as unknown as { domains: { domain: string }[] }).domains[0]!.domain;
    // Something on every page: an empty answer is never kept, so an empty page reads again each time.
    const idpCert = await selfSigned([{ name: 'commonName', value: 'warm-idp' }], { keySize: 2048, algorithm: 'sha256' });
    const saml = { idp_entity_id: 'https://idp.warm.test/entity', idp_sso_url: 'https://idp.warm.test/sso', idp_certificate: idpCert.cert };
    const connection = await e.http('POST', '/connections', { key: true, body: { organization_id: warm.id, name: 'Warm IdP', connection_type: 'OktaSAML', saml } });
    assert.equal(connection.status, 201, connection.text);
    const connectionId = (connection.json as { id: string }).id;
    const directory = await e.http('POST', '/directories', { key: true, body: { organization_id: warm.id, name: 'Warm directory', type: 'okta scim v2.0' } });
    assert.equal(directory.status, 201, directory.text);
    const directoryId = (directory.json as { id: string }).id;
    const stream = await e.http('POST', '/audit_logs/log_streams', { key: true, body: { organization_id: warm.id, type: 'https', name: 'Warm SIEM', config: { url: 'http://127.0.0.1:9/ingest' } } });
    assert.equal(stream.status, 201, stream.text);

    // Every request the portal sends another service, as admin-portal's /metrics counts it, by service.
    const upstreamCallsBy = async (): Promise<Record<string, number>> => {
      const text = await (await fetch(`http://127.0.0.1:${e.stack.port('admin-portal')}/metrics`)).text();
      return Object.fromEntries([...text.matchAll(/^portal_upstream_calls_total\{[^}]*service="([^"]+)"[^}]*\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
    };
    const total = (by: Record<string, number>) => Object.values(by).reduce((n, x) => n + x, 0);
    const upstreamCalls = async () => total(await upstreamCallsBy());
    /** The calls `render` makes to `service`. */
    const callsTo = async (service: string, render: () => Promise<unknown>) => {
      const before = (await upstreamCallsBy())[service] ?? 0;
      await render();
      return ((await upstreamCallsBy())[service] ?? 0) - before;
    };
    /** A portal session of `intent` over plain HTTP: its pages' GETs and form POSTs (with the page's CSRF token). */
    async function portalSession(intent: Parameters<typeof generate>[0]) {
      const launch = await fetch((await generate(intent, warm.id)).link, { redirect: 'manual' });
      assert.equal(launch.status, 303);
      const cookie = launch.headers.get('set-cookie')!.split(';')[0]!;
      const base = `${e.baseUrl}/portal/o/${warm.id}`;
      const get = async () => {
        const r = await fetch(`${base}/${intent}`, { headers: { cookie } });
        const html = await r.text();
        assert.equal(r.status, 200, html.slice(0, 500));
        return html;
      };
      const post = async (path: string, form: Record<string, string>) => {
        const csrf = /name="csrf_token" value="([^"]+)"/.exec(await get())![1]!;
        const r = await fetch(`${base}/${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...form, csrf_token: csrf }), redirect: 'manual' });
        assert.equal(r.status, 303, await r.text());
      };
      const tokenHash = createHash('sha256').update(cookie.split('=')[1]!).digest('hex');
      /** The session's row's count of writes (PortalSession.writes). */
      const writes = async () => (await db.query<{ writes: number }>('SELECT writes FROM portal_sessions WHERE token_hash = $1', [tokenHash])).rows[0]!.writes;
      return { get, post, writes, tokenHash };
    }

    const shown: Record<string, string> = { sso: connectionId, dsync: directoryId, domain_verification: warmDomain, audit_logs: 'Export as CSV', log_streams: 'Warm SIEM' };
    const pages: Record<string, Awaited<ReturnType<typeof portalSession>>> = {};
    // A cold render of the SSO or Directory Sync page reads its service once (its internal portal_view), whatever it shows.
    const owner: Record<string, string> = { sso: 'sso', dsync: 'directory-sync' };
    for (const intent of ['sso', 'dsync', 'domain_verification', 'audit_logs', 'log_streams'] as const) {
      const p = (pages[intent] = await portalSession(intent));
      const before = await upstreamCallsBy();
      assert.ok((await p.get()).includes(shown[intent]!), `${intent}: the first render shows ${shown[intent]}`);
      const after = await upstreamCallsBy();
      const cold = total(after);
      assert.ok(cold > total(before), `${intent}: the first render of a session reads other services`);
      const service = owner[intent];
      if (service) assert.equal((after[service] ?? 0) - (before[service] ?? 0), 1, `${intent}: the first render calls ${service} once`);
      assert.ok((await p.get()).includes(shown[intent]!), `${intent}: the warm render shows ${shown[intent]}`);
      assert.equal((await upstreamCalls()) - cold, 0, `${intent}: the warm render calls no other service`);
    }

    // A change made outside the portal (the public API; no organization event) shows within
    // PORTAL_READ_CACHE_MS (5 s here): the page, kept warm with one stream, is read again once its reads expire.
    const outside = await e.http('POST', '/audit_logs/log_streams', { key: true, body: { organization_id: warm.id, type: 'https', name: 'Outside SIEM', config: { url: 'http://127.0.0.1:9/ingest' } } });
    assert.equal(outside.status, 201, outside.text);
    await waitFor(async () => (await pages.log_streams!.get()).includes('Outside SIEM') || undefined, { timeoutMs: 5_000 + 5_000, message: 'the stream created through the API on the log streams page' });

    // The portal's own writes show on the very next render.
    await pages.log_streams!.post(`log_streams/${(stream.json as { id: string }).id}/delete`, {});
    const streams = await pages.log_streams!.get();
    assert.doesNotMatch(streams, /Warm SIEM/, 'the stream deleted in the portal is gone at once');
    assert.match(streams, /Outside SIEM/);
    await pages.sso!.post('sso/delete', {});
    let afterDelete = '';
    assert.equal(await callsTo('sso', async () => (afterDelete = await pages.sso!.get())), 1, 'the render after a write (its session\'s reads dropped) calls sso once');
    assert.doesNotMatch(afterDelete, new RegExp(connectionId), 'the connection deleted in the portal is gone at once');
    // A POST that writes nothing (the directory exists already) still drops the session's reads.
    await pages.dsync!.post('dsync/directory', { type: 'okta scim v2.0' });
    let dsync = '';
    assert.equal(await callsTo('directory-sync', async () => (dsync = await pages.dsync!.get())), 1, 'the render after a dropped cache calls directory-sync once');
    assert.ok(dsync.includes(directoryId));
    const added = `added-${uniqueSuffix()}.warm.test`.toLowerCase();
    await pages.domain_verification!.post('domain_verification/domain', { domain: added });
    assert.match(await pages.domain_verification!.get(), new RegExp(added.replace(/\./g, '\\.')), 'the domain added in the portal shows at once');

    // Each portal write is counted on the session's row, and a replica's kept reads hold for one
    // count only: a write taken by another replica (its count, made here in SQL) retires this
    // replica's reads, so a change is shown at once rather than after PORTAL_READ_CACHE_MS.
    assert.equal(await pages.log_streams!.writes(), 1, 'the stream deletion counted');
    await pages.log_streams!.get();
    const elsewhere = await e.http('POST', '/audit_logs/log_streams', { key: true, body: { organization_id: warm.id, type: 'https', name: 'Elsewhere SIEM', config: { url: 'http://127.0.0.1:9/ingest' } } });
    assert.equal(elsewhere.status, 201, elsewhere.text);
    await db.query('UPDATE portal_sessions SET writes = writes + 1 WHERE token_hash = $1', [pages.log_streams!.tokenHash]);
    assert.equal(await pages.log_streams!.writes(), 2);
    assert.match(await pages.log_streams!.get(), /Elsewhere SIEM/, 'the page after another replica\'s write reads afresh');
  });

  test('IdP metadata by URL and as an uploaded file (a multipart form, JavaScript off): each saves the SAML connection', async () => {
    const metadata = idp.metadataXml();
    // The IdP publishes its metadata at a URL (loopback http, as the tests' IdPs listen).
    const server: Server = createServer((req, res) => {
      res.writeHead(req.url === '/metadata.xml' ? 200 : 404, { 'content-type': 'application/xml' }).end(req.url === '/metadata.xml' ? metadata : '');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const metadataUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/metadata.xml`;
    try {
      const connectionOf = async (organizationId: string) => {
        const list = await e.workos.sso.listConnections({ organizationId });
        assert.equal(list.data.length, 1);
        return list.data[0]!;
      };
      const byUrlOrg = await e.workos.organizations.createOrganization({ name: `Metadata URL Co ${uniqueSuffix()}` });
      const u = await open((await generate('sso', byUrlOrg.id)).link);
      await u.page.getByLabel('Identity provider').selectOption('OktaSAML');
      await u.page.getByLabel('IdP metadata URL').fill(metadataUrl);
      await u.page.getByRole('button', { name: 'Save connection' }).click();
      await shows(u.page, 'Our service provider details');
      assert.equal((await connectionOf(byUrlOrg.id)).type, 'OktaSAML');
      await u.ctx.close();

      // The file input without JavaScript: the browser posts multipart/form-data, the portal reads the file's text.
      const byFileOrg = await e.workos.organizations.createOrganization({ name: `Metadata File Co ${uniqueSuffix()}` });
      const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 }, locale: 'en-US', javaScriptEnabled: false });
      const page = await ctx.newPage();
      await page.goto((await generate('sso', byFileOrg.id)).link);
      await page.getByLabel('Identity provider').selectOption('OktaSAML');
      await page.getByLabel('IdP metadata file').setInputFiles({ name: 'idp-metadata.xml', mimeType: 'application/xml', buffer: Buffer.from(metadata) });
      const [posted] = await Promise.all([page.waitForRequest((r) => r.method() === 'POST'), page.getByRole('button', { name: 'Save connection' }).click()]);
      assert.match(posted.headers()['content-type'] ?? '', /^multipart\/form-data; boundary=/);
      await shows(page, 'Our service provider details');
      assert.equal((await connectionOf(byFileOrg.id)).type, 'OktaSAML');
      await ctx.close();

      // Neither, or garbage as the file: refused on the page, nothing saved.
      const noneOrg = await e.workos.organizations.createOrganization({ name: `Metadata None Co ${uniqueSuffix()}` });
      const n = await open((await generate('sso', noneOrg.id)).link);
      await n.page.getByLabel('Identity provider').selectOption('OktaSAML');
      await n.page.getByLabel('IdP metadata file').setInputFiles({ name: 'notes.xml', mimeType: 'application/xml', buffer: Buffer.from('not metadata') });
      await n.page.getByRole('button', { name: 'Save connection' }).click();
      await shows(n.page, 'The request could not be completed');
      assert.equal((await e.workos.sso.listConnections({ organizationId: noneOrg.id })).data.length, 0);
      await n.ctx.close();
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});
