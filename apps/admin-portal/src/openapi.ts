import { buildOpenApi } from '@wos/platform';
import { createItContactSchema, inviteItContactSchema, itContactListSchema, itContactSchema, revokeItContactSchema } from './it-contacts/it-contacts.dto';
import { generateLinkSchema, portalLinkSchema } from './links/links.dto';

export function adminPortalOpenApi(): Record<string, unknown> {
  return buildOpenApi('Admin Portal', [
    { method: 'post', path: '/portal/generate_link', summary: 'Generate a single-use Admin Portal link', body: generateLinkSchema, response: portalLinkSchema, status: 201 },
    { method: 'get', path: '/organizations/:id/it_contacts', summary: "List an organization's IT contacts", response: itContactListSchema },
    { method: 'post', path: '/organizations/:id/it_contacts', summary: 'Create an IT contact', body: createItContactSchema, response: itContactSchema, status: 201 },
    { method: 'delete', path: '/organizations/:id/it_contacts/:contactId', summary: 'Delete an IT contact (revokes its links)', status: 204 },
    { method: 'post', path: '/organizations/:id/it_contacts/:contactId/invite', summary: 'Email an IT contact an Admin Portal link for these intents', body: inviteItContactSchema },
    { method: 'post', path: '/organizations/:id/it_contacts/:contactId/revoke', summary: "Revoke an IT contact's outstanding links", body: revokeItContactSchema },
  ]);
}
