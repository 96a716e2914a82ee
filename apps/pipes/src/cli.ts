import { deadLettersCommand, type CliModule } from '@wos/platform/cli';

/* Pipes's `wos` commands: the dead letters of its consumers (`wos dead-letters pipes …`). */
export const cli: CliModule = {
  service: 'pipes',
  groups: [{ name: 'dead-letters', summary: "messages a service's consumers set aside, and their replay", commands: [deadLettersCommand('pipes')] }],
};
