import { apiClient, apiCommand, apiDeleteCommand, CliUsageError, listTable, requireArg, type CliContext, type CliGroup, type CliOption } from '@wos/platform/cli';

/* `wos feature-flags …`: the management extension and the SDK's flag methods through the gateway. */

const slugArg = (ctx: CliContext) => encodeURIComponent(requireArg(ctx, 0, 'a SLUG'));
const FLAG_FIELDS: Record<string, CliOption> = {
  name: { type: 'string', value: 'NAME', description: 'display name (default: the slug)' },
  description: { type: 'string', value: 'TEXT', description: 'what the flag controls' },
  tag: { type: 'string', multiple: true, value: 'TAG', description: 'a tag (repeat for several)' },
  'default-value': { type: 'string', value: 'true|false', description: 'the value for contexts no target matches' },
};

function flagBody(ctx: CliContext): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const { name, description, tag } = ctx.options;
  if (typeof name === 'string') body.name = name;
  if (typeof description === 'string') body.description = description;
  if (Array.isArray(tag)) body.tags = tag;
  const dv = ctx.options['default-value'];
  if (dv !== undefined) {
    if (dv !== 'true' && dv !== 'false') throw new CliUsageError('--default-value is true or false');
    body.default_value = dv === 'true';
  }
  return body;
}

const setEnabled = (on: boolean) => async (ctx: CliContext) => ctx.result(await apiClient(ctx).call('PUT', `/feature-flags/${slugArg(ctx)}/${on ? 'enable' : 'disable'}`, {}));

export const featureFlagsGroup: CliGroup = {
  name: 'feature-flags',
  summary: 'feature flags: create, list, enable, disable, target users and organizations',
  commands: [
    apiCommand('list', "lists the environment's flags (first 100)", async (ctx) => {
      const page = await apiClient(ctx).call<{ data: Record<string, unknown>[] }>('GET', '/feature-flags?limit=100');
      ctx.result(page, () => listTable(page, ['slug', 'enabled', 'default_value', 'name', 'tags']));
    }),
    apiCommand('get', 'one flag', async (ctx) => ctx.result(await apiClient(ctx).call('GET', `/feature-flags/${slugArg(ctx)}`)), {}, 'SLUG'),
    apiCommand(
      'create',
      'creates a flag (disabled unless --enabled)',
      async (ctx) => ctx.result(await apiClient(ctx).call('POST', '/feature-flags', { slug: requireArg(ctx, 0, 'a SLUG'), ...flagBody(ctx), ...(ctx.options.enabled ? { enabled: true } : {}) })),
      { ...FLAG_FIELDS, enabled: { type: 'boolean', description: 'create it enabled' } },
      'SLUG',
    ),
    apiCommand('update', "changes a flag's name, description, tags or default value", async (ctx) => ctx.result(await apiClient(ctx).call('PATCH', `/feature-flags/${slugArg(ctx)}`, flagBody(ctx))), FLAG_FIELDS, 'SLUG'),
    apiCommand('enable', 'enables a flag', setEnabled(true), {}, 'SLUG'),
    apiCommand('disable', 'disables a flag (off for everyone)', setEnabled(false), {}, 'SLUG'),
    apiCommand(
      'target',
      'adds or removes a target: a user (user_…) or an organization (org_…)',
      async (ctx) => {
        const action = requireArg(ctx, 0, 'add or remove');
        if (action !== 'add' && action !== 'remove') throw new CliUsageError('the first argument is add or remove');
        const slug = encodeURIComponent(requireArg(ctx, 1, 'a SLUG'));
        const target = requireArg(ctx, 2, 'a TARGET_ID');
        await apiClient(ctx).call(action === 'add' ? 'POST' : 'DELETE', `/feature-flags/${slug}/targets/${encodeURIComponent(target)}`, action === 'add' ? {} : undefined);
        ctx.result({ slug: decodeURIComponent(slug), target_id: target, targeted: action === 'add' }, () => `${action === 'add' ? 'Added' : 'Removed'} ${target} ${action === 'add' ? 'to' : 'from'} ${decodeURIComponent(slug)}`);
      },
      {},
      'add|remove SLUG TARGET_ID',
    ),
    apiDeleteCommand('/feature-flags', 'deletes a flag and its targets', 'SLUG'),
  ],
};
