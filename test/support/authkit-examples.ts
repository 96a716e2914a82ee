import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { uniqueSuffix } from '@wos/platform/testing';
import { ROOT, startE2e, type E2e } from './e2e-stack';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A user with a password who is `admin` of organization A and `member` of organization B. */
export interface TwoOrganizationMember {
  email: string;
  password: string;
  firstName: string;
  userId: string;
  orgA: string;
  orgB: string;
}

/**
 * The setup of the examples' browser tests: the example installed from its lockfile and built
 * (tools/examples.mjs, skipped when up to date), a stack with identity and authorization on the
 * given port offset, and a member of two organizations with a role in each.
 */
export async function startExampleStack(example: string, portOffset: number, firstName: string): Promise<{ e: E2e; member: TwoOrganizationMember }> {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: run tools/ensure-chromium.sh`);
  execFileSync(process.execPath, [join(ROOT, 'tools', 'examples.mjs'), example], { stdio: 'inherit' });
  const e = await startE2e({ name: example.replace(/-/g, '_'), portOffset, apps: ['organizations', 'events', 'identity', 'authorization'] });
  const w = e.workos;
  const tag = uniqueSuffix();
  for (const slug of ['admin', 'member']) await w.authorization.createEnvironmentRole({ slug, name: slug });
  const orgA = (await w.organizations.createOrganization({ name: `${example} A ${tag}` })).id;
  const orgB = (await w.organizations.createOrganization({ name: `${example} B ${tag}` })).id;
  const email = `${firstName.toLowerCase()}-${tag}@example.com`;
  const password = `${example} password ${tag}!`;
  const userId = (await w.userManagement.createUser({ email, password, emailVerified: true, firstName })).id;
  await w.userManagement.createOrganizationMembership({ organizationId: orgA, userId, roleSlug: 'admin' });
  await w.userManagement.createOrganizationMembership({ organizationId: orgB, userId, roleSlug: 'member' });
  return { e, member: { email, password, firstName, userId, orgA, orgB } };
}

/** On the hosted AuthKit page (reached from `authorizeUrlPrefix`): the password form, then organization A. */
export async function signInOnHostedPage(page: Page, authorizeUrlPrefix: string, m: TwoOrganizationMember): Promise<void> {
  await page.waitForURL(`${authorizeUrlPrefix}/user_management/authorize**`);
  await page.fill('input[name=email]', m.email);
  await page.fill('input[name=password]', m.password);
  await page.click('button[type=submit]');
  // Two memberships: the hosted page asks which organization.
  await page.check(`input[name=organization_id][value="${m.orgA}"]`);
  await page.click('button[type=submit]');
}

/** The text the example pages show for a signed-in member. */
export const signedInAs = (m: TwoOrganizationMember) => new RegExp(`Signed in as ${m.email.replace(/[.+]/g, '\\$&')} \\(${m.firstName}\\)`);
