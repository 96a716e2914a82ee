import { deadLettersGroup, type CliModule } from '@wos/platform/cli';
import { featureFlagsGroup } from './cli/feature-flags.commands';
import { organizationsGroup } from './cli/organizations.commands';

/* The organizations service's `wos` commands. */
export const cli: CliModule = {
  service: 'organizations',
  groups: [organizationsGroup, featureFlagsGroup, deadLettersGroup('organizations')],
};
