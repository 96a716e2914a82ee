import { deadLettersCommand, type CliModule } from '@wos/platform/cli';

/* Identity's `wos` commands: the dead letters of its organization-events consumer. */
export const cli: CliModule = {
  service: 'identity',
  groups: [{ name: 'dead-letters', summary: "messages a service's consumers set aside, and their replay", commands: [deadLettersCommand('identity')] }],
};
