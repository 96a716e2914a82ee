import { deadLettersCommand, type CliModule } from '@wos/platform/cli';

/* Radar's `wos` commands: the dead letters of its consumers (`wos dead-letters radar …`). */
export const cli: CliModule = {
  service: 'radar',
  groups: [{ name: 'dead-letters', summary: "messages a service's consumers set aside, and their replay", commands: [deadLettersCommand('radar')] }],
};
