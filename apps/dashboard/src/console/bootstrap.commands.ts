import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { newUlid } from '@wos/platform';
import type { DashboardOwner } from '@wos/platform/stack';
import type { AppConfig } from '../config';
import { GatewayConsoleClient } from '../upstream/gateway-console.client';
import type { UpstreamClient } from '../upstream/upstream.client';
import type { ConsoleRepository } from './console.repository';

export const CALLBACK_PATH = '/dashboard/callback';
export const DEFAULT_OWNER_EMAIL = 'owner@dashboard.example.com';

/** What `wos dashboard bootstrap --json` prints: one shape, the one the stack reads back (Stack.seed). */
export type BootstrapResult = DashboardOwner;

interface UserView { id: string; email: string }

/**
 * Sets the console up, idempotently: the gateway's built-in environment (with the console's
 * callback as its redirect URI), sign-up closed there (members are added by an owner, never by
 * signing up), the organization its audit-log events belong to, and the owner: an AuthKit user
 * with a generated password and an owner member row. The password is never a fixed default:
 * it is random per installation, kept only in `file` (mode 0600) when one is named, and reused
 * from there while the owner's user still exists.
 */
export async function bootstrapConsole(deps: { config: AppConfig; upstream: UpstreamClient; repo: ConsoleRepository }, opts: { email: string; file?: string }): Promise<BootstrapResult> {
  const { config, upstream, repo } = deps;
  const email = opts.email.trim().toLowerCase();
  const gateway = new GatewayConsoleClient(upstream);
  const builtin = await gateway.ensureBuiltinEnvironment(`${config.PUBLIC_BASE_URL}${CALLBACK_PATH}`);
  const env = builtin.environment_id;
  await upstream.must('identity', env, 'PATCH', '/user_management/authkit/settings', { body: { sign_up_policy: 'invitation_only', branding: { name: 'WOS Dashboard' } } });

  const existing = await repo.installation();
  let organizationId = existing?.environmentId === env ? existing.organizationId : null;
  if (organizationId && (await upstream.call('organizations', env, 'GET', `/organizations/${organizationId}`)).status !== 200) organizationId = null;
  organizationId ??= (await upstream.must<{ id: string }>('organizations', env, 'POST', '/organizations', { body: { name: 'Dashboard' } })).id;
  await repo.saveInstallation({ environmentId: env, clientId: builtin.client_id, organizationId });

  const found = (await upstream.must<{ data: UserView[] }>('identity', env, 'GET', `/user_management/users?email=${encodeURIComponent(email)}`)).data[0];
  const saved = opts.file ? readSaved(opts.file) : undefined;
  let password: string;
  if (found && saved && saved.email === email && saved.environment_id === env) {
    password = saved.password;
  } else {
    password = randomBytes(18).toString('base64url');
    if (found) await upstream.must('identity', env, 'PUT', `/user_management/users/${found.id}`, { body: { password } });
    else await upstream.must('identity', env, 'POST', '/user_management/users', { body: { email, password, email_verified: true, first_name: 'Dashboard', last_name: 'Owner' } });
  }
  await repo.upsertMember({ id: `member_${newUlid()}`, email, role: 'owner', invitedBy: null });

  const result: BootstrapResult = { dashboard_url: `${config.PUBLIC_BASE_URL}/dashboard`, email, password, environment_id: env, client_id: builtin.client_id, organization_id: organizationId };
  if (opts.file) {
    const tmp = `${opts.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(result, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, opts.file);
  }
  return result;
}

function readSaved(file: string): BootstrapResult | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as BootstrapResult;
    return typeof v.email === 'string' && typeof v.password === 'string' && typeof v.environment_id === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
