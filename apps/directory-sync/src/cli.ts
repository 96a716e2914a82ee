import { apiCommand, apiDeleteCommand, apiClient, deadLettersGroup, listTable, requireArg, requireOption, type CliCommand, type CliContext, type CliModule, type CliOption } from '@wos/platform/cli';

/* Directory Sync's `wos` commands: directories through the gateway's HTTP API with an API key. */

const id = (ctx: CliContext) => encodeURIComponent(requireArg(ctx, 0, 'a DIRECTORY_ID'));
const COLUMNS = ['id', 'name', 'type', 'state', 'organization_id', 'created_at'];

export const cli: CliModule = {
  service: 'directory-sync',
  groups: [
    {
      name: 'directories',
      summary: 'SCIM directories and their bearer tokens',
      commands: [
        apiCommand(
          'create',
          'creates a SCIM directory; prints its SCIM base URL and bearer token (shown only once)',
          async (ctx) => {
            const body = { organization_id: requireOption(ctx, 'organization'), name: requireOption(ctx, 'name'), type: requireOption(ctx, 'type'), ...(ctx.options.domain ? { domain: ctx.options.domain } : {}) };
            ctx.result(await apiClient(ctx).call('POST', '/directories', body));
          },
          {
            organization: { type: 'string', value: 'ORG_ID', description: 'its organization, required' },
            name: { type: 'string', value: 'NAME', description: 'required' },
            type: { type: 'string', value: 'TYPE', description: '"okta scim v2.0", "azure scim v2.0", "generic scim v2.0", "onelogin scim v2.0", …; required' },
            domain: { type: 'string', value: 'DOMAIN', description: 'the directory domain' },
          },
        ),
        apiCommand(
          'list',
          'lists directories (first 100)',
          async (ctx) => {
            const q = new URLSearchParams({ limit: '100' });
            if (typeof ctx.options.organization === 'string') q.set('organization_id', ctx.options.organization);
            if (typeof ctx.options.search === 'string') q.set('search', ctx.options.search);
            const page = await apiClient(ctx).call<{ data: Record<string, unknown>[] }>('GET', `/directories?${q}`);
            ctx.result(page, () => listTable(page, COLUMNS));
          },
          { organization: { type: 'string', value: 'ORG_ID', description: "only this organization's" }, search: { type: 'string', value: 'TEXT', description: 'name contains' } },
        ),
        apiCommand('get', 'one directory', async (ctx) => ctx.result(await apiClient(ctx).call('GET', `/directories/${id(ctx)}`)), {}, 'DIRECTORY_ID'),
        apiCommand('rotate-token', 'issues a new bearer token; the old one stops working at once', async (ctx) => ctx.result(await apiClient(ctx).call('POST', `/directories/${id(ctx)}/token`)), {}, 'DIRECTORY_ID'),
        apiDeleteCommand('/directories', 'deletes a directory with its users and groups', 'DIRECTORY_ID'),
      ],
    },
    deadLettersGroup('directory-sync'),
  ],
};
