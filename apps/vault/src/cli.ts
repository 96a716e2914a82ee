import { deadLettersCommand, type CliModule } from '@wos/platform/cli';

/* Vault's `wos` commands: the dead letters of its consumer (organization.deleted, which shreds keys). */
export const cli: CliModule = {
  service: 'vault',
  groups: [{ name: 'dead-letters', summary: "messages a service's consumers set aside, and their replay", commands: [deadLettersCommand('vault')] }],
};
