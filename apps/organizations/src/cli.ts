import { deadLettersGroup, type CliModule } from '@wos/platform/cli';
import { featureFlagsGroup } from './cli/feature-flags.commands';

/* The organizations service's `wos` commands. */
export const cli: CliModule = {
  service: 'organizations',
  groups: [featureFlagsGroup, deadLettersGroup('organizations')],
};
