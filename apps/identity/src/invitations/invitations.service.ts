import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { appendToOutbox, BadRequestError, DomainError, newId, NotFoundError, paginate, toListEnvelope, ValidationError, SecretBox } from '@wos/platform';
import { hasIdShape, type InvitationWire, type ListEnvelope } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import type { Invitation, Prisma, User } from '../generated/prisma/client';
import { UsersService } from '../users/users.service';
import { MembershipsService } from '../memberships/memberships.service';
import { OrganizationsClient } from '../memberships/organizations.client';
import { MailOutbox } from '../mail/mail-outbox.service';
import { SendThrottle } from '../email-flows/send-throttle.service';
import { invitationEvent } from '../email-flows/email-flows.events';
import { hashToken, newLinkToken } from '../tokens/one-time-secret';
import { AuthkitSettingsService } from '../authkit/branding/authkit-settings.service';
import { RedirectUrisClient } from '../sessions/redirect-uris.client';
import { InvitationsRepository } from './invitations.repository';
import {
  isSupportedLocale,
  acceptInvitationUrl,
  stateOf,
  toInvitationWire,
  type ListInvitationsQuery,
  type ResendInvitationInput,
  type SendInvitationInput,
} from './invitations.dto';

const DAY_MS = 86_400_000;

/**
 * Invitations (WORKOS_API.md §7.7) and their state machine:
 *
 *   pending ──accept──▶ accepted      pending ──revoke──▶ revoked      pending ──time──▶ expired
 *
 * accepted, revoked and expired are final; acting on them is a 400 `invite_accepted`,
 * `invite_revoked` or `invite_expired`. Each transition runs under a row lock and writes its
 * `invitation.*` event in the same transaction. The token is stored as SHA-256 for lookup and
 * sealed (context = id) because GET returns it.
 */
@Injectable()
export class InvitationsService implements OnModuleInit {
  constructor(
    private readonly repo: InvitationsRepository,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    private readonly organizations: OrganizationsClient,
    private readonly mail: MailOutbox,
    private readonly throttle: SendThrottle,
    private readonly box: SecretBox,
    private readonly gatewayLinks: RedirectUrisClient,
    private readonly settings: AuthkitSettingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.mail.registerResolver('invitation', async (env, id) => {
      const inv = await this.repo.findById(env, id);
      if (!inv) return { skip: 'gone' };
      const state = stateOf(inv);
      if (state !== 'pending') return { skip: state };
      return { vars: { url: acceptInvitationUrl(await this.linkBase(env), this.box.openString(inv.tokenSealed, inv.id)) } };
    });
  }

  async get(environmentId: string, id: string): Promise<InvitationWire> {
    return this.toWire(await this.mustFind(environmentId, id), await this.linkBase(environmentId));
  }

  async findByToken(environmentId: string, token: string): Promise<InvitationWire> {
    const inv = await this.repo.findByTokenHash(environmentId, hashToken(token));
    if (!inv) throw new NotFoundError('an invitation', 'token');
    return this.toWire(inv, await this.linkBase(environmentId));
  }

  /** For sign-in with `invitation_token`: the invitation, which must still be pending. */
  async findPendingByToken(environmentId: string, token: string): Promise<Invitation> {
    const inv = await this.repo.findByTokenHash(environmentId, hashToken(token));
    if (!inv) throw new NotFoundError('an invitation', 'token');
    assertPending(inv);
    return inv;
  }

  /** Whether a pending invitation is addressed to this email (the sign-up policy's "invited"). */
  isInvited(environmentId: string, email: string): Promise<boolean> {
    return this.repo.anyPendingForEmail(environmentId, email, new Date());
  }

  async list(environmentId: string, query: ListInvitationsQuery): Promise<ListEnvelope<InvitationWire>> {
    const page = await paginate(query, (req) => this.repo.list(environmentId, { organizationId: query.organization_id, email: query.email }, req));
    const base = await this.linkBase(environmentId);
    return toListEnvelope(page, (inv) => this.toWire(inv, base));
  }

  async send(environmentId: string, input: SendInvitationInput): Promise<InvitationWire> {
    if (input.locale !== undefined && !isSupportedLocale(input.locale)) throw invalidLocale(input.locale);
    if (input.role_slug !== undefined && input.organization_id === undefined) {
      throw new ValidationError([{ field: 'role_slug', code: 'role_slug_requires_organization_id', message: 'role_slug can only be given with organization_id.' }]);
    }
    const inviter = input.inviter_user_id ? await this.users.mustFind(environmentId, input.inviter_user_id) : null;
    const org = input.organization_id ? await this.organizations.find(environmentId, input.organization_id) : null;
    if (input.organization_id && !org) throw new NotFoundError('an organization', input.organization_id);
    if (org && input.role_slug !== undefined) await this.memberships.validateRoleSlugs(environmentId, org.id, [input.role_slug]);
    await this.throttle.hit(environmentId, 'invitation', input.email);
    const base = await this.linkBase(environmentId);
    const wire = await this.repo.transaction((tx) => this.insert(tx, environmentId, input, base, inviter, org?.id ?? null, org?.name));
    void this.mail.kick();
    return wire;
  }

  /**
   * An environment-wide invitation (no organization) written in the caller's transaction, with
   * its `invitation.created` event and its email (waitlist approval: the entry's change and the
   * invitation commit together). Counts against the address's send budget; the caller kicks
   * the mail outbox after its commit.
   */
  async sendWithin(tx: Prisma.TransactionClient, environmentId: string, email: string): Promise<InvitationWire> {
    await this.throttle.hit(environmentId, 'invitation', email);
    return this.insert(tx, environmentId, { email }, await this.linkBase(environmentId), null, null);
  }

  private async insert(tx: Prisma.TransactionClient, environmentId: string, input: SendInvitationInput, linkBase: string, inviter: User | null, organizationId: string | null, organizationName?: string): Promise<InvitationWire> {
    const now = new Date();
    const id = newId('invitation');
    const token = newLinkToken();
    const inv = await this.repo.create(tx, {
      id,
      environmentId,
      email: input.email,
      state: 'pending',
      organizationId,
      inviterUserId: inviter?.id ?? null,
      roleSlug: input.role_slug ?? null,
      locale: input.locale ?? null,
      tokenHash: hashToken(token),
      tokenSealed: this.box.seal(token, id),
      expiresAt: new Date(now.getTime() + (input.expires_in_days ?? this.config.INVITATION_DEFAULT_EXPIRES_DAYS) * DAY_MS),
      createdAt: now,
      updatedAt: now,
    });
    const w = toInvitationWire(inv, token, linkBase, now);
    await appendToOutbox(tx, [invitationEvent('invitation.created', w, environmentId)]);
    await this.enqueueEmail(tx, environmentId, w, inviter, organizationName);
    return w;
  }

  async resend(environmentId: string, id: string, input: ResendInvitationInput): Promise<InvitationWire> {
    if (input.locale !== undefined && !isSupportedLocale(input.locale)) throw invalidLocale(input.locale);
    const current = await this.mustFind(environmentId, id);
    await this.throttle.hit(environmentId, 'invitation', current.email);
    const inviter = current.inviterUserId ? await this.users.findById(environmentId, current.inviterUserId) : null;
    // The organization's current name for the email; its ID when the organizations service is down.
    const org = current.organizationId ? await this.organizations.find(environmentId, current.organizationId).catch(() => null) : null;
    const wire = await this.transition(
      environmentId,
      id,
      'invitation.resent',
      () => (input.locale ? { locale: input.locale } : {}),
      (tx, w) => this.enqueueEmail(tx, environmentId, w, inviter, org?.name),
    );
    void this.mail.kick();
    return wire;
  }

  revoke(environmentId: string, id: string): Promise<InvitationWire> {
    return this.transition(environmentId, id, 'invitation.revoked', () => ({ state: 'revoked', revokedAt: new Date() }));
  }

  /**
   * Accepts by ID (the REST call). The invitee is the user with the invitation's email, when
   * there is one: it becomes `accepted_user_id` and, for an organization invitation, an active
   * member with the invitation's role.
   */
  async accept(environmentId: string, id: string): Promise<InvitationWire> {
    const inv = await this.mustFind(environmentId, id);
    assertPending(inv);
    const user = await this.users.findByEmail(environmentId, inv.email);
    return this.acceptFor(environmentId, inv, user);
  }

  /** Accepts during sign-in (`invitation_token` on a grant) for the user who signed in. */
  async acceptByToken(environmentId: string, token: string, user: User): Promise<InvitationWire> {
    const inv = await this.findPendingByToken(environmentId, token);
    return this.acceptFor(environmentId, inv, user);
  }

  /**
   * A sign-in that proved the user's email (an OAuth provider or a code) accepts every pending
   * organization invitation sent to that address.
   */
  async acceptPendingFor(environmentId: string, user: User): Promise<void> {
    if (!user.emailVerified) return;
    for (const inv of await this.repo.pendingForEmail(environmentId, user.email, new Date())) {
      try {
        await this.acceptFor(environmentId, inv, user);
      } catch (err) {
        // Accepted or revoked meanwhile, or its organization is gone: the others still apply.
        if (!(err instanceof DomainError && err.status < 500)) throw err;
      }
    }
  }

  /**
   * One transaction: lock the invitation, check it is pending and addressed to this user,
   * make the membership, flip the state. So a token presented concurrently by several accounts
   * yields at most one acceptance and one membership (security review M11).
   */
  private async acceptFor(environmentId: string, inv: Invitation, user: User | null): Promise<InvitationWire> {
    if (user && user.email.toLowerCase() !== inv.email.toLowerCase()) throw emailMismatch();
    // The organization's name for the membership row; read before the transaction (HTTP).
    const org = inv.organizationId && user ? await this.organizations.mustGet(environmentId, inv.organizationId) : null;
    // The invitation's role validated again: one deleted since it was sent gives way to the
    // environment's default role (an invitation's role never changes, so `inv`'s is `locked`'s).
    const roleSlugs = org ? await this.memberships.grantableRoles(environmentId, org.id, inv.roleSlug ? [inv.roleSlug] : []) : [];
    return this.transition(environmentId, inv.id, 'invitation.accepted', async (locked, tx) => {
      if (user && user.email.toLowerCase() !== locked.email.toLowerCase()) throw emailMismatch();
      const membership = org && user
        ? await this.memberships.grant(tx, environmentId, { userId: user.id, organization: org, source: 'invitation', roleSlugs })
        : null;
      return { state: 'accepted', acceptedAt: new Date(), acceptedUserId: user?.id ?? null, membershipId: membership?.id ?? null };
    });
  }

  /** One state change under the row lock: only a pending, unexpired invitation moves. */
  private async transition(
    environmentId: string,
    id: string,
    event: 'invitation.resent' | 'invitation.revoked' | 'invitation.accepted',
    patch: (inv: Invitation, tx: Prisma.TransactionClient) => Prisma.InvitationUncheckedUpdateInput | Promise<Prisma.InvitationUncheckedUpdateInput>,
    also?: (tx: Prisma.TransactionClient, wire: InvitationWire) => Promise<void>,
  ): Promise<InvitationWire> {
    if (!hasIdShape(id, 'invitation')) throw new NotFoundError('an invitation', id);
    const base = await this.linkBase(environmentId);
    return this.repo.transaction(async (tx) => {
      const inv = await this.repo.lock(tx, environmentId, id);
      if (!inv) throw new NotFoundError('an invitation', id);
      assertPending(inv);
      const updated = await this.repo.update(tx, environmentId, id, await patch(inv, tx));
      const wire = this.toWire(updated, base);
      await appendToOutbox(tx, [invitationEvent(event, wire, environmentId)]);
      if (also) await also(tx, wire);
      return wire;
    });
  }

  /** The invitation email, in the mail outbox; the link (with the token) is added when it is sent. */
  private enqueueEmail(tx: Prisma.TransactionClient, environmentId: string, wire: InvitationWire, inviter: User | null, organizationName?: string): Promise<void> {
    const who = inviter ? [inviter.firstName, inviter.lastName].filter(Boolean).join(' ') || inviter.email : 'Someone';
    return this.mail.enqueue(tx, {
      environmentId,
      template: 'invitation',
      entityId: wire.id,
      recipient: wire.email,
      vars: { email: wire.email, organization_id: organizationName ?? wire.organization_id ?? 'the app', inviter: who, expires_at: wire.expires_at },
    });
  }

  private async mustFind(environmentId: string, id: string): Promise<Invitation> {
    const inv = hasIdShape(id, 'invitation') ? await this.repo.findById(environmentId, id) : null;
    if (!inv) throw new NotFoundError('an invitation', id);
    return inv;
  }

  private toWire(inv: Invitation, linkBase: string): InvitationWire {
    return toInvitationWire(inv, this.box.openString(inv.tokenSealed, inv.id), linkBase);
  }

  /**
   * What `accept_invitation_url` and the emailed link start with (the token is appended):
   * INVITATION_URL (the app's own page) when set; otherwise the hosted AuthKit sign-up for the
   * invitation, `/user_management/authorize` with the environment's first client ID and redirect
   * URI, on the environment's custom domain when branding sets one (as reset links are).
   */
  private async linkBase(environmentId: string): Promise<string> {
    if (this.config.INVITATION_URL) return this.config.INVITATION_URL;
    const [{ customDomain }, target] = await Promise.all([this.settings.forEnvironment(environmentId), this.gatewayLinks.hostedLinkTarget(environmentId)]);
    const url = new URL('/user_management/authorize', customDomain ? `https://${customDomain}` : this.config.PUBLIC_BASE_URL);
    if (target.clientId) url.searchParams.set('client_id', target.clientId);
    if (target.redirectUri) url.searchParams.set('redirect_uri', target.redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('provider', 'authkit');
    return url.toString();
  }
}

function assertPending(inv: Invitation): void {
  const state = stateOf(inv);
  if (state === 'accepted') throw new BadRequestError('invite_accepted', 'This invitation has already been accepted.');
  if (state === 'revoked') throw new BadRequestError('invite_revoked', 'This invitation has been revoked.');
  if (state === 'expired') throw new BadRequestError('invite_expired', 'This invitation has expired.');
}

/** The invitation was sent to another address: accepting it is bound to the invited email. */
function emailMismatch(): DomainError {
  return new BadRequestError('invite_email_mismatch', 'This invitation was sent to a different email address.');
}

/** WorkOS: 422 with code `invalid_locale`. */
function invalidLocale(locale: string): DomainError {
  return new DomainError(422, 'invalid_locale', `${locale} is not a supported locale.`, { errors: [{ field: 'locale', code: 'invalid_locale' }] });
}
