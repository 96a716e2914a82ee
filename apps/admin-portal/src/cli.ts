import { deadLettersGroup, type CliModule } from '@wos/platform/cli';

/* Admin Portal's `wos` commands: the dead letters of its consumers (`wos dead-letters admin-portal …`). */
export const cli: CliModule = {
  service: 'admin-portal',
  groups: [deadLettersGroup('admin-portal')],
};
