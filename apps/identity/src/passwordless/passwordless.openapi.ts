import { z } from 'zod';
import type { RouteDoc } from '@wos/platform';
import { createPasswordlessSessionSchema } from './passwordless.dto';

const sessionSchema = z.object({ object: z.literal('passwordless_session'), id: z.string(), email: z.string(), expires_at: z.string(), link: z.string() });

/** Magic Link (WORKOS_API.md §15). The link itself (/passwordless/confirm/:token) is a browser redirect, not an API. */
export const passwordlessOpenApiRoutes: RouteDoc[] = [
  { method: 'post', path: '/passwordless/sessions', summary: 'Create a Magic Link session (redirect_uri must be registered; without it, the default redirect URI)', body: createPasswordlessSessionSchema, response: sessionSchema, status: 201 },
  { method: 'post', path: '/passwordless/sessions/:id/send', summary: 'Email the link: {success: true}', response: z.object({ success: z.literal(true) }) },
];
