import { apiClient, apiCommand, listTable, requireArg, type CliContext, type CliGroup } from '@wos/platform/cli';

/* `wos users …`: AuthKit users and their sessions through the gateway's HTTP API (the API key's environment). */

const userId = (ctx: CliContext) => encodeURIComponent(requireArg(ctx, 0, 'a USER_ID'));

export const usersGroup: CliGroup = {
  name: 'users',
  summary: 'AuthKit users and their sessions',
  commands: [
    apiCommand(
      'list',
      'lists users (first 100), by exact email, email prefix or organization',
      async (ctx) => {
        const q = new URLSearchParams({ limit: '100' });
        for (const [option, param] of [['email', 'email'], ['search', 'search'], ['organization', 'organization_id']] as const) {
          if (typeof ctx.options[option] === 'string') q.set(param, ctx.options[option] as string);
        }
        const page = await apiClient(ctx).call<{ data: Record<string, unknown>[] }>('GET', `/user_management/users?${q}`);
        ctx.result(page, () => listTable(page, ['id', 'email', 'first_name', 'last_name', 'email_verified', 'created_at']));
      },
      {
        email: { type: 'string', value: 'EMAIL', description: 'exactly this email' },
        search: { type: 'string', value: 'TEXT', description: 'email starts with (case-insensitive; our extension)' },
        organization: { type: 'string', value: 'ORG_ID', description: "the organization's members" },
      },
    ),
    apiCommand('get', 'one user', async (ctx) => ctx.result(await apiClient(ctx).call('GET', `/user_management/users/${userId(ctx)}`)), {}, 'USER_ID'),
    apiCommand(
      'sessions',
      "the user's sessions (first 100)",
      async (ctx) => {
        const page = await apiClient(ctx).call<{ data: Record<string, unknown>[] }>('GET', `/user_management/users/${userId(ctx)}/sessions?limit=100`);
        ctx.result(page, () => listTable(page, ['id', 'status', 'auth_method', 'ip_address', 'created_at', 'expires_at']));
      },
      {},
      'USER_ID',
    ),
    apiCommand(
      'revoke-session',
      'ends a session: its refresh token stops working at once',
      async (ctx) => ctx.result((await apiClient(ctx).call('POST', '/user_management/sessions/revoke', { session_id: requireArg(ctx, 0, 'a SESSION_ID') })) ?? { revoked: true }),
      {},
      'SESSION_ID',
    ),
  ],
};
