import { deadLettersCommand, type CliModule } from '@wos/platform/cli';
import { tailCommand, listCommand } from './cli/events.commands';

/* The events service's `wos` commands: `events tail` / `events list` over GET /events, and its dead letters. */
export const cli: CliModule = {
  service: 'events',
  groups: [
    { name: 'events', summary: 'the Events API: follow or list events through the gateway', commands: [tailCommand, listCommand] },
    { name: 'dead-letters', summary: "messages a service's consumers set aside, and their replay", commands: [deadLettersCommand('events')] },
  ],
};
