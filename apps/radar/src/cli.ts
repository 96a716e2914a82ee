import { deadLettersGroup, type CliModule } from '@wos/platform/cli';

/* Radar's `wos` commands: the dead letters of its consumers (`wos dead-letters radar …`). */
export const cli: CliModule = {
  service: 'radar',
  groups: [deadLettersGroup('radar')],
};
