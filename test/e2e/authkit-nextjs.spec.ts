import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { ROOT, type E2e } from '../support/e2e-stack';
import { CHROMIUM, signedInAs, signInOnHostedPage, startExampleStack, type TwoOrganizationMember } from '../support/authkit-examples';
const EXAMPLE = join(ROOT, 'examples', 'authkit-nextjs');
/*
 * localhost, as in authkit-nextjs's own setup guide: its cookies are Secure unless
 * NEXT_PUBLIC_WORKOS_REDIRECT_URI (inlined at build time) says http, and browsers accept Secure
 * cookies over plain http on localhost only. The redirect URI is given at run time instead
 * (WORKOS_REDIRECT_URI in proxy.js), so one build serves any port.
 */
const APP_HOST = 'localhost';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/**
 * examples/authkit-nextjs, unchanged, run with `next start` and configured only by the WORKOS_*
 * variables (API hostname, port, https=false, client ID, API key, cookie password): sign in
 * through the hosted AuthKit page, read the session in a server component, switch organization
 * and sign out, all through authkit-nextjs's own server-side calls to the gateway.
 */
describe('@workos-inc/authkit-nextjs example against the gateway, in Chromium', () => {
  let e: E2e;
  let browser: Browser;
  let next: ChildProcess | undefined;
  let appOrigin: string;
  const tag = uniqueSuffix();
  let member: TwoOrganizationMember;

  before(async () => {
    // Installed from the example's lockfile (npm registry) and built with `next build`.
    ({ e, member } = await startExampleStack('authkit-nextjs', 19500, 'Grace'));

    const port = await freePort();
    appOrigin = `http://${APP_HOST}:${port}`;
    await e.addRedirectUri(`${appOrigin}/callback`);
    // authkit-nextjs's signOut() sends no return_to: WorkOS's default sign-out redirect, our app homepage URL.
    assert.equal((await e.http('PUT', '/user_management/app_homepage_url', { key: true, body: { url: `${appOrigin}/` } })).status, 200);

    const log = createWriteStream(join(e.logDir, 'next.log'), { flags: 'a' });
    next = spawn(process.execPath, [join(EXAMPLE, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: EXAMPLE,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: '1',
        WORKOS_CLIENT_ID: e.creds.client_id,
        WORKOS_API_KEY: e.creds.api_key,
        WORKOS_API_HOSTNAME: '127.0.0.1',
        WORKOS_API_PORT: String(e.port),
        WORKOS_API_HTTPS: 'false',
        WORKOS_COOKIE_PASSWORD: `a cookie password of at least 32 characters ${tag}`,
        WORKOS_REDIRECT_URI: `${appOrigin}/callback`,
      },
    });
    next.stdout!.pipe(log);
    next.stderr!.pipe(log);
    await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined))?.status === 200 ? true : undefined), { timeoutMs: 60_000, intervalMs: 250, message: 'next start' });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
  });
  after(async () => {
    await browser?.close();
    if (next?.pid && next.exitCode === null) {
      const exited = new Promise((resolve) => next!.once('exit', resolve));
      process.kill(-next.pid, 'SIGTERM');
      await exited;
    }
    await e?.stop();
  });

  test('sign in on the hosted page, read the session, switch organization, sign out', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const text = (id: string) => page.getByTestId(id).textContent({ timeout: 30_000 });

    await page.goto(appOrigin);
    await page.getByTestId('signed-out').waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await signInOnHostedPage(page, `http://127.0.0.1:${e.port}`, member);

    await page.getByTestId('user').waitFor({ timeout: 30_000 });
    assert.match((await text('user'))!, signedInAs(member));
    assert.equal(await text('organization'), `Organization: ${member.orgA}`);
    assert.equal(await text('role'), 'Role: admin');
    assert.equal(page.url(), `${appOrigin}/`);
    assert.ok((await ctx.cookies(appOrigin)).some((c) => c.name === 'wos-session' && c.httpOnly), "authkit-nextjs's sealed session cookie");

    await page.fill('#organization-id', member.orgB);
    await page.getByRole('button', { name: 'Switch organization' }).click();
    await waitFor(async () => ((await text('organization')) === `Organization: ${member.orgB}` ? true : undefined), { timeoutMs: 15_000, message: 'the organization switch' });
    assert.equal(await text('role'), 'Role: member');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${appOrigin}/`);
    await page.getByTestId('signed-out').waitFor({ timeout: 30_000 });
    assert.equal((await ctx.cookies(appOrigin)).find((c) => c.name === 'wos-session'), undefined);
    assert.deepEqual((await e.workos.userManagement.listSessions(member.userId)).data.map((s) => s.status), ['revoked'], 'the session ended on the server');
    await ctx.close();
  });
});
