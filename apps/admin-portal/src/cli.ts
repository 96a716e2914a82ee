import { deadLettersCommand, type CliModule } from '@wos/platform/cli';

/* Admin Portal's `wos` commands: the dead letters of its consumers (`wos dead-letters admin-portal …`). */
export const cli: CliModule = {
  service: 'admin-portal',
  groups: [{ name: 'dead-letters', summary: "messages a service's consumers set aside, and their replay", commands: [deadLettersCommand('admin-portal')] }],
};
