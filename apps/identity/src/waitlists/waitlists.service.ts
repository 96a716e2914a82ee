import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { hasIdShape, type ListEnvelope, type WaitlistEntryWire, type WaitlistWire } from '@wos/contracts';
import { appendToOutbox, DomainError, isUniqueViolation, newId, NotFoundError, paginate, toListEnvelope } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import type { Waitlist, WaitlistEntry } from '../generated/prisma/client';
import { InvitationsService } from '../invitations/invitations.service';
import { MailOutbox } from '../mail/mail-outbox.service';
import { UsersService } from '../users/users.service';
import { WaitlistsRepository } from './waitlists.repository';
import { waitlistUserEvent } from './waitlists.events';
import { toWaitlistEntryWire, toWaitlistWire, type CreateWaitlistEntryInput, type ListWaitlistEntriesQuery } from './waitlists.dto';

/** The SDK's literal for the environment's own waitlist. */
export const DEFAULT_WAITLIST = 'default';

/**
 * Waitlists (WORKOS_API.md §7.10). WorkOS has one waitlist per environment, made in its
 * dashboard; here it is made on first use (any waitlist route, or `join`), so there is nothing
 * to set up. Entries:
 *
 *   pending ──approve──▶ approved (an invitation is sent)      pending ──deny──▶ denied ──approve──▶ approved
 *
 * Each transition runs under the entry's row lock and writes its `waitlist_user.*` event in the
 * same transaction; approval also writes the invitation, its event and its email there, so an
 * approved entry always has its invitation and never two.
 */
@Injectable()
export class WaitlistsService implements OnModuleInit {
  constructor(
    private readonly repo: WaitlistsRepository,
    private readonly users: UsersService,
    private readonly invitations: InvitationsService,
    private readonly mail: MailOutbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // The confirmation carries no secret: it is sent while the entry exists.
    this.mail.registerResolver('waitlist_confirmation', async (env, id) => ((await this.repo.findEntry(env, id)) ? { vars: {} } : { skip: 'gone' }));
  }

  async list(environmentId: string): Promise<ListEnvelope<WaitlistWire>> {
    return { object: 'list', data: [toWaitlistWire(await this.repo.ensure(environmentId))], list_metadata: { before: null, after: null } };
  }

  async get(environmentId: string, id: string): Promise<WaitlistWire> {
    return toWaitlistWire(await this.resolve(environmentId, id));
  }

  async listEntries(environmentId: string, waitlistId: string, query: ListWaitlistEntriesQuery): Promise<ListEnvelope<WaitlistEntryWire>> {
    const waitlist = await this.resolve(environmentId, waitlistId);
    const page = await paginate(query, (req) => this.repo.listEntries(environmentId, waitlist.id, { state: query.state, email: query.email }, req));
    return toListEnvelope(page, toWaitlistEntryWire);
  }

  createEntry(environmentId: string, waitlistId: string, input: CreateWaitlistEntryInput): Promise<WaitlistEntryWire> {
    return this.join(environmentId, input.email, { waitlistId, additionalFields: input.additional_fields, sendConfirmationEmail: input.send_confirmation_email });
  }

  /**
   * Puts an address on the environment's waitlist (the REST create, and AuthKit's hosted sign-up
   * when the environment's sign-up policy is "waitlist"). An address already on it gets its
   * existing entry back, unchanged; an address that already has a user is refused (422
   * `user_already_exists`), as WorkOS lets a deleted entry's address join again only while no
   * user has it.
   */
  async join(
    environmentId: string,
    email: string,
    opts: { waitlistId?: string; additionalFields?: Record<string, string>; sendConfirmationEmail?: boolean } = {},
  ): Promise<WaitlistEntryWire> {
    const address = email.trim().toLowerCase();
    const waitlist = await this.resolve(environmentId, opts.waitlistId ?? DEFAULT_WAITLIST);
    const existing = await this.repo.findEntryByEmail(environmentId, waitlist.id, address);
    if (existing) return toWaitlistEntryWire(existing);
    if (await this.users.findByEmail(environmentId, address)) {
      throw new DomainError(422, 'user_already_exists', 'A user with this email address already exists.', { errors: [{ field: 'email', code: 'user_already_exists' }] });
    }
    const confirm = opts.sendConfirmationEmail === true && this.config.WAITLIST_CONFIRMATION_EMAIL;
    try {
      const wire = await this.repo.transaction(async (tx) => {
        const now = new Date();
        const entry = await this.repo.createEntry(tx, {
          id: newId('waitlist_entry'),
          environmentId,
          waitlistId: waitlist.id,
          email: address,
          state: 'pending',
          additionalFields: opts.additionalFields ?? {},
          createdAt: now,
          updatedAt: now,
        });
        const w = toWaitlistEntryWire(entry);
        await appendToOutbox(tx, [waitlistUserEvent('waitlist_user.created', w, environmentId)]);
        if (confirm) await this.mail.enqueue(tx, { environmentId, template: 'waitlist_confirmation', entityId: entry.id, recipient: address, vars: { email: address } });
        return w;
      });
      if (confirm) void this.mail.kick();
      return wire;
    } catch (err) {
      // The same address joined concurrently: answer with that entry, as for an earlier join.
      if (!isUniqueViolation(err)) throw err;
      return toWaitlistEntryWire((await this.repo.findEntryByEmail(environmentId, waitlist.id, address))!);
    }
  }

  /** Whether this email's waitlist entry was approved (the sign-up policy lets it sign up). */
  isApproved(environmentId: string, email: string): Promise<boolean> {
    return this.repo.hasApprovedEntry(environmentId, email);
  }

  /** Approves a pending (or denied) entry and sends its address an invitation, in one transaction. */
  async approve(environmentId: string, id: string): Promise<WaitlistEntryWire> {
    const wire = await this.transition(environmentId, id, ['pending', 'denied'], async (tx, entry) => {
      const invitation = await this.invitations.sendWithin(tx, environmentId, entry.email);
      return { event: 'waitlist_user.approved', patch: { state: 'approved', approvedAt: new Date(), invitationId: invitation.id } };
    });
    void this.mail.kick();
    return wire;
  }

  deny(environmentId: string, id: string): Promise<WaitlistEntryWire> {
    return this.transition(environmentId, id, ['pending'], async () => ({ event: 'waitlist_user.denied', patch: { state: 'denied' } }));
  }

  /** Removes the entry (WorkOS publishes no event for it); an invitation sent on approval stays valid. */
  async deleteEntry(environmentId: string, id: string): Promise<void> {
    if (!hasIdShape(id, 'waitlist_entry') || !(await this.repo.deleteEntry(environmentId, id))) throw new NotFoundError('a waitlist entry', id);
  }

  private async transition(
    environmentId: string,
    id: string,
    from: string[],
    change: (
      tx: Parameters<Parameters<WaitlistsRepository['transaction']>[0]>[0],
      entry: WaitlistEntry,
    ) => Promise<{ event: 'waitlist_user.approved' | 'waitlist_user.denied'; patch: { state: string; approvedAt?: Date; invitationId?: string } }>,
  ): Promise<WaitlistEntryWire> {
    if (!hasIdShape(id, 'waitlist_entry')) throw new NotFoundError('a waitlist entry', id);
    return this.repo.transaction(async (tx) => {
      const entry = await this.repo.lockEntry(tx, environmentId, id);
      if (!entry) throw new NotFoundError('a waitlist entry', id);
      if (!from.includes(entry.state)) {
        throw new DomainError(422, 'waitlist_entry_invalid_state', `The waitlist entry is ${entry.state}.`, { errors: [{ field: 'state', code: 'waitlist_entry_invalid_state' }] });
      }
      const { event, patch } = await change(tx, entry);
      const w = toWaitlistEntryWire(await this.repo.updateEntry(tx, environmentId, id, patch));
      await appendToOutbox(tx, [waitlistUserEvent(event, w, environmentId)]);
      return w;
    });
  }

  /** `default` or the environment's waitlist ID; anything else is a 404. */
  private async resolve(environmentId: string, id: string): Promise<Waitlist> {
    if (id === DEFAULT_WAITLIST) return this.repo.ensure(environmentId);
    const found = hasIdShape(id, 'waitlist') ? await this.repo.find(environmentId, id) : null;
    if (!found) throw new NotFoundError('a waitlist', id);
    return found;
  }
}
