import { deadLettersCommand, type CliModule } from '@wos/platform/cli';
import { featureFlagsGroup } from './cli/feature-flags.commands';

/* The organizations service's `wos` commands. */
export const cli: CliModule = {
  service: 'organizations',
  groups: [featureFlagsGroup, { name: 'dead-letters', summary: "messages a service's consumers set aside, and their replay", commands: [deadLettersCommand('organizations')] }],
};
