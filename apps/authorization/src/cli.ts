import { deadLettersCommand, type CliModule } from '@wos/platform/cli';

/* Authorization's `wos` commands: the dead letters of its consumers (`wos dead-letters authorization …`). */
export const cli: CliModule = {
  service: 'authorization',
  groups: [{ name: 'dead-letters', summary: "messages a service's consumers set aside, and their replay", commands: [deadLettersCommand('authorization')] }],
};
