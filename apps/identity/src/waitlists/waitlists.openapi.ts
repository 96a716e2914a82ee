import type { RouteDoc } from '@wos/platform';
import { listEnvelopeSchema, waitlistEntrySchema, waitlistSchema } from '@wos/contracts';
import { createWaitlistEntrySchema, listWaitlistEntriesQuerySchema } from './waitlists.dto';

/** Waitlists (WORKOS_API.md §7.10); `:id` may be the literal `default`. */
export const waitlistsOpenApiRoutes: RouteDoc[] = [
  { method: 'get', path: '/user_management/waitlists', summary: "List waitlists (the environment's one, made on first use)", response: listEnvelopeSchema(waitlistSchema) },
  { method: 'get', path: '/user_management/waitlists/:id', summary: 'Get a waitlist (`default` is the environment\'s)', response: waitlistSchema },
  { method: 'get', path: '/user_management/waitlists/:id/entries', summary: 'List waitlist entries (filters: state, email)', query: listWaitlistEntriesQuerySchema, response: listEnvelopeSchema(waitlistEntrySchema) },
  { method: 'post', path: '/user_management/waitlists/:id/entries', summary: 'Add an address (an address already on it gets its entry back)', body: createWaitlistEntrySchema, response: waitlistEntrySchema, status: 201 },
  { method: 'post', path: '/user_management/waitlist_entries/:id/approve', summary: 'Approve an entry and send its address an invitation', response: waitlistEntrySchema },
  { method: 'post', path: '/user_management/waitlist_entries/:id/deny', summary: 'Deny a pending entry', response: waitlistEntrySchema },
  { method: 'delete', path: '/user_management/waitlist_entries/:id', summary: 'Delete an entry', status: 204 },
];
