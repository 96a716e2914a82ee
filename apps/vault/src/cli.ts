import { deadLettersGroup, type CliModule } from '@wos/platform/cli';

/* Vault's `wos` commands: the dead letters of its consumer (organization.deleted, which shreds keys). */
export const cli: CliModule = {
  service: 'vault',
  groups: [deadLettersGroup('vault')],
};
