import { apiClient, apiCommand, apiDeleteCommand, CliUsageError, listTable, requireArg, requireOption, type CliContext, type CliGroup } from '@wos/platform/cli';

/* `wos organizations …`: organizations and their domains through the gateway's HTTP API (the API key's environment). */

const orgId = (ctx: CliContext) => encodeURIComponent(requireArg(ctx, 0, 'an ORG_ID'));
const COLUMNS = ['id', 'name', 'domains', 'created_at'];
/** Domains as "acme.com (verified)" in the table. */
const row = (o: Record<string, unknown>) => ({ ...o, domains: ((o.domains as Array<{ domain: string; state: string }>) ?? []).map((d) => `${d.domain} (${d.state})`).join(', ') || '-' });

export const organizationsGroup: CliGroup = {
  name: 'organizations',
  summary: 'organizations and their domains',
  commands: [
    apiCommand(
      'list',
      'lists organizations (first 100), by name prefix or domain',
      async (ctx) => {
        const q = new URLSearchParams({ limit: '100' });
        if (typeof ctx.options.search === 'string') q.set('search', ctx.options.search);
        if (typeof ctx.options.domain === 'string') q.set('domains', ctx.options.domain);
        const page = await apiClient(ctx).call<{ data: Record<string, unknown>[] }>('GET', `/organizations?${q}`);
        ctx.result(page, () => listTable(page.data.map(row), COLUMNS));
      },
      { search: { type: 'string', value: 'TEXT', description: 'name starts with (case-insensitive; our extension)' }, domain: { type: 'string', value: 'DOMAIN', description: 'has this domain' } },
    ),
    apiCommand('get', 'one organization with its domains', async (ctx) => ctx.result(await apiClient(ctx).call('GET', `/organizations/${orgId(ctx)}`)), {}, 'ORG_ID'),
    apiCommand(
      'create',
      'creates an organization, optionally with a domain',
      async (ctx) => {
        const state = ctx.options['domain-state'] ?? 'pending';
        if (state !== 'pending' && state !== 'verified') throw new CliUsageError('--domain-state must be pending or verified');
        const domain = typeof ctx.options.domain === 'string' ? ctx.options.domain : undefined;
        ctx.result(await apiClient(ctx).call('POST', '/organizations', { name: requireOption(ctx, 'name'), ...(domain ? { domain_data: [{ domain, state }] } : {}) }));
      },
      {
        name: { type: 'string', value: 'NAME', description: 'required' },
        domain: { type: 'string', value: 'DOMAIN', description: 'a domain of the organization' },
        'domain-state': { type: 'string', value: 'STATE', description: 'pending (verified by DNS, the default) or verified (you vouch for it)' },
      },
    ),
    apiCommand(
      'add-domain',
      'adds a domain (pending until its DNS TXT record is verified); prints its verification token',
      async (ctx) => ctx.result(await apiClient(ctx).call('POST', '/organization_domains', { organization_id: requireArg(ctx, 0, 'an ORG_ID'), domain: requireOption(ctx, 'domain') })),
      { domain: { type: 'string', value: 'DOMAIN', description: 'required' } },
      'ORG_ID',
    ),
    apiDeleteCommand('/organizations', 'deletes an organization', 'ORG_ID'),
  ],
};
