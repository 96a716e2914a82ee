import { deadLettersGroup, type CliModule } from '@wos/platform/cli';
import { tailCommand, listCommand } from './cli/events.commands';
import { usageCommand } from './cli/usage.commands';

/* The events service's `wos` commands: `events tail` / `events list` over GET /events, `usage` over GET /usage, and its dead letters. */
export const cli: CliModule = {
  service: 'events',
  groups: [
    { name: 'events', summary: 'the Events API: follow or list events through the gateway', commands: [tailCommand, listCommand] },
    { name: 'usage', summary: 'usage analytics through the gateway: the billing units of a month, or its active users as CSV', commands: [usageCommand] },
    deadLettersGroup('events'),
  ],
};
