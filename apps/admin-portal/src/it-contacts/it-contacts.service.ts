import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ConflictError, DomainError, newId, NotFoundError, ValidationError, type Logger } from '@wos/platform';
import { SmtpSender } from '@wos/platform/mail';
import { hasIdShape } from '@wos/contracts';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { LinksService } from '../links/links.service';
import { portalIntentOf, type PortalIntent } from '../portal-core/intents';
import { toItContactWire, type CreateItContactInput, type InviteItContactInput, type ItContactWire } from './it-contacts.dto';
import { ItContactsRepository } from './it-contacts.repository';
import { renderInvite } from './invite.mail';

/** A bound that keeps the unpaginated list (the SDK sends no cursor) one small page. */
export const MAX_CONTACTS_PER_ORGANIZATION = 100;

/**
 * IT contacts (WORKOS_API.md §5). Invariants: every call first proves the organization exists in
 * the caller's environment (the organizations service); an invitation's link opens only the
 * intents it was sent for; revoking or deleting a contact revokes every link sent to it and
 * ends the sessions opened from them. WorkOS's catalogue names no IT-contact event, so none is written.
 */
@Injectable()
export class ItContactsService implements OnApplicationShutdown {
  private readonly mail: SmtpSender;

  constructor(
    private readonly repo: ItContactsRepository,
    private readonly links: LinksService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.mail = new SmtpSender(config, logger);
  }

  async list(env: string, organizationId: string) {
    await this.links.mustFindOrganization(env, organizationId);
    const rows = await this.repo.list(env, organizationId, MAX_CONTACTS_PER_ORGANIZATION);
    return { object: 'list' as const, data: rows.map(toItContactWire), list_metadata: { before: null, after: null } };
  }

  async create(env: string, organizationId: string, input: CreateItContactInput): Promise<ItContactWire> {
    await this.links.mustFindOrganization(env, organizationId);
    if ((await this.repo.count(env, organizationId)) >= MAX_CONTACTS_PER_ORGANIZATION) {
      throw new ValidationError([{ field: 'email', code: 'too_many_it_contacts', message: `An organization has at most ${MAX_CONTACTS_PER_ORGANIZATION} IT contacts.` }]);
    }
    const now = new Date();
    const created = await this.repo.create({ id: newId('it_contact'), environmentId: env, organizationId, email: input.email, createdAt: now, updatedAt: now });
    if (!created) throw new ConflictError('it_contact_already_exists', `${input.email} is already an IT contact of organization ${organizationId}.`);
    return toItContactWire(created);
  }

  async delete(env: string, organizationId: string, contactId: string): Promise<void> {
    await this.mustFind(env, organizationId, contactId);
    await this.links.revokeForContact(env, organizationId, contactId);
    await this.repo.delete(env, organizationId, contactId);
  }

  /** Emails the contact one link that opens exactly these intents. */
  async invite(env: string, organizationId: string, contactId: string, input: InviteItContactInput): Promise<Record<string, never>> {
    const org = await this.links.mustFindOrganization(env, organizationId);
    const contact = await this.mustFind(env, organizationId, contactId);
    await this.sendInvite(env, org, contact, input.intents.map(portalIntentOf));
    return {};
  }

  /**
   * `generate_link`'s `admin_emails` (WorkOS: "the IT admins to grant access to the Admin Portal"):
   * each address becomes an IT contact of the organization (kept if it already is one) and is
   * emailed a single-use link of its own for the intent, as an IT-contact invitation. A link
   * opens once, so the admins cannot share the caller's. The contact limit is checked before any
   * contact is written; a mail failure is a 503 after which a retry reuses the contacts.
   */
  async inviteAdmins(env: string, organizationId: string, emails: string[], intent: PortalIntent): Promise<void> {
    const org = await this.links.mustFindOrganization(env, organizationId);
    const wanted = [...new Set(emails)];
    const known = new Map((await this.repo.findByEmails(env, organizationId, wanted)).map((c) => [c.email, c]));
    const fresh = wanted.filter((e) => !known.has(e));
    if (fresh.length && (await this.repo.count(env, organizationId)) + fresh.length > MAX_CONTACTS_PER_ORGANIZATION) {
      throw new ValidationError([{ field: 'admin_emails', code: 'too_many_it_contacts', message: `An organization has at most ${MAX_CONTACTS_PER_ORGANIZATION} IT contacts.` }]);
    }
    for (const email of fresh) {
      const now = new Date();
      // null: a concurrent call added the same address first; it is read back below.
      const created = await this.repo.create({ id: newId('it_contact'), environmentId: env, organizationId, email, createdAt: now, updatedAt: now });
      if (created) known.set(email, created);
    }
    for (const c of await this.repo.findByEmails(env, organizationId, wanted.filter((e) => !known.has(e)))) known.set(c.email, c);
    for (const email of wanted) await this.sendInvite(env, org, known.get(email)!, [intent]);
  }

  /** Issues the contact a link for `intents` and mails it; an undelivered link is revoked, and the caller gets a 503 to retry. */
  private async sendInvite(env: string, org: { id: string; name: string }, contact: { id: string; email: string }, intents: PortalIntent[]): Promise<void> {
    const ttl = this.config.PORTAL_INVITE_LINK_TTL_SECONDS;
    const link = await this.links.issue(env, { organizationId: org.id, intents, itContactId: contact.id, ttlSeconds: ttl });
    try {
      await this.mail.send('it_contact_invite', contact.email, renderInvite({ organization: org.name, intents, link, expires: new Date(Date.now() + ttl * 1000) }));
    } catch {
      await this.links.revokeForContact(env, org.id, contact.id);
      throw new DomainError(503, 'email_unavailable', 'The invitation email could not be sent; retry the request.');
    }
  }

  async revoke(env: string, organizationId: string, contactId: string): Promise<Record<string, never>> {
    await this.mustFind(env, organizationId, contactId);
    await this.links.revokeForContact(env, organizationId, contactId);
    return {};
  }

  private async mustFind(env: string, organizationId: string, contactId: string) {
    await this.links.mustFindOrganization(env, organizationId);
    const c = hasIdShape(contactId, 'it_contact') ? await this.repo.find(env, organizationId, contactId) : null;
    if (!c) throw new NotFoundError('an IT contact', contactId);
    return c;
  }

  onApplicationShutdown(): void {
    this.mail.close();
  }
}
