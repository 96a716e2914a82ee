import { apiClient, apiCommand, deadLettersGroup, requireArg, requireOption, type CliModule } from '@wos/platform/cli';

/* Admin Portal's `wos` commands: a portal link (`wos portal link ORG_ID --intent sso`), and the dead letters of its consumers. */
export const cli: CliModule = {
  service: 'admin-portal',
  groups: [
    {
      name: 'portal',
      summary: "Admin Portal links for an organization's IT admin",
      commands: [
        apiCommand(
          'link',
          'a single-use Admin Portal link (POST /portal/generate_link); it expires in minutes',
          async (ctx) => ctx.result(await apiClient(ctx).call('POST', '/portal/generate_link', { organization: requireArg(ctx, 0, 'an ORG_ID'), intent: requireOption(ctx, 'intent') })),
          { intent: { type: 'string', value: 'INTENT', description: 'sso, dsync, domain_verification, audit_logs, log_streams, …; required' } },
          'ORG_ID',
        ),
      ],
    },
    deadLettersGroup('admin-portal'),
  ],
};
