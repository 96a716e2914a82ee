import { deadLettersGroup, secretsGroup, type CliModule } from '@wos/platform/cli';
import { authkitCommands } from './authkit/branding/authkit-settings.commands';
import { usersGroup } from './users/users.commands';

/* Identity's `wos` commands: users and their sessions, the hosted pages' settings, the dead letters of its organization-events consumer. */
export const cli: CliModule = {
  service: 'identity',
  groups: [
    usersGroup,
    { name: 'authkit', summary: "the environment's AuthKit settings: sign-up policy, MFA requirement, branding and email", commands: authkitCommands },
    deadLettersGroup('identity'),
    secretsGroup('identity', () => (require('./infra/sealed-columns') as typeof import('./infra/sealed-columns')).SEALED_COLUMNS),
  ],
};
