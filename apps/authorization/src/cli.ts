import { apiClient, apiCommand, CliFailure, deadLettersGroup, type CliModule } from '@wos/platform/cli';

interface MigrationRun {
  state: 'in_progress' | 'completed';
  memberships_backfilled: number;
  roles_created: number;
  created_roles: { slug: string; organization_id: string | null }[];
  skipped_slugs: string[];
}

/*
 * Authorization's `wos` commands: the dead letters of its consumers, and the role slug migration
 * of the API key's environment (POST /authorization/role_slug_migration until it completes).
 */
const migrateRoleSlugs = apiCommand(
  'migrate-role-slugs',
  "makes the free-form role slugs of the key's environment catalogue roles, after backfilling memberships from identity",
  async (ctx) => {
    const api = apiClient(ctx);
    // Each call resumes the stored cursor, so an interrupted command is simply run again.
    for (let calls = 0; calls < 100_000; calls++) {
      const run = await api.call<MigrationRun>('POST', '/authorization/role_slug_migration', { max_pages: 10 });
      if (run.state === 'completed') {
        ctx.result(run, () =>
          [
            `Backfilled ${run.memberships_backfilled} memberships; created ${run.roles_created} roles.`,
            ...run.created_roles.map((r) => `  ${r.slug}${r.organization_id ? ` (organization ${r.organization_id})` : ' (environment)'}`),
            ...(run.skipped_slugs.length ? [`Skipped (not valid slugs): ${run.skipped_slugs.join(', ')}`] : []),
          ].join('\n'),
        );
        return;
      }
      if (!ctx.json) ctx.print(`… ${run.memberships_backfilled} memberships backfilled`);
    }
    throw new CliFailure('the migration did not complete');
  },
);

export const cli: CliModule = {
  service: 'authorization',
  groups: [
    deadLettersGroup('authorization'),
    {
      name: 'authorization',
      summary: 'the role catalogue: the role slug migration',
      commands: [migrateRoleSlugs],
      details: 'Idempotent and resumable: run it again after an interruption, or later to pick up new free-form slugs.',
    },
  ],
};
