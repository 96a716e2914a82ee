import { Injectable } from '@nestjs/common';
import { appendToOutbox, ConflictError, newId, NotFoundError, paginate, toListEnvelope, ValidationError, isUniqueViolation } from '@wos/platform';
import { hasIdShape, type ListEnvelope, type UserWire } from '@wos/contracts';
import type { Prisma, User } from '../generated/prisma/client';
import { PasswordsService } from '../passwords/passwords.service';
import { UsersRepository, type Tx } from './users.repository';
import { userEvent } from './users.events';
import { toUserWire, type CreateUserInput, type ListUsersQuery, type UpdateUserInput } from './users.dto';

/** Finds the user IDs that are members of an organization; provided by the memberships module. */
export type MemberLookup = (environmentId: string, organizationId: string) => Promise<string[]>;
/** Ends every active session of a user inside the caller's transaction; provided by the sessions module. */
export type SessionRevoker = (tx: Tx, environmentId: string, userId: string) => Promise<void>;

/**
 * User rules, and the user API other modules of this app build on (exported by UsersModule).
 * Invariant: every state change writes its `user.*` event to the outbox in the same transaction.
 */
/**
 * Assesses a sign-up before it is written: throws to refuse it, answers null when it was not
 * assessed, else the attempt, whether it was challenged, and what to do once the user exists.
 */
export type SignUpGate = (environmentId: string, input: CreateUserInput, via: 'api' | 'hosted') => Promise<{ attemptId: string; challenged: boolean; created: () => void } | null>;

@Injectable()
export class UsersService {
  private memberLookup?: MemberLookup;
  private sessionRevoker?: SessionRevoker;
  private signUpGate?: SignUpGate;
  private readonly deletionHooks: SessionRevoker[] = [];

  constructor(
    private readonly repo: UsersRepository,
    private readonly passwords: PasswordsService,
  ) {}

  /** The memberships module registers how `organization_id` filters users (no import cycle). */
  setMemberLookup(lookup: MemberLookup): void {
    this.memberLookup = lookup;
  }

  /** The sessions module registers how a password change ends the user's sessions (no import cycle). */
  setSessionRevoker(revoker: SessionRevoker): void {
    this.sessionRevoker = revoker;
  }

  /** The radar module registers how a sign-up is assessed (no import cycle); without it, sign-ups are not. */
  setSignUpGate(gate: SignUpGate): void {
    this.signUpGate = gate;
  }

  /**
   * A sign-up (createUser, the hosted sign-up): assessed before anything is written. A refused
   * sign-up throws and writes nothing; a challenged one is created with its email unverified.
   * The user carries `radar_auth_attempt_id` when radar assessed it.
   */
  async signUp(environmentId: string, input: CreateUserInput, via: 'api' | 'hosted'): Promise<UserWire & { radar_auth_attempt_id?: string }> {
    const assessed = this.signUpGate ? await this.signUpGate(environmentId, input, via) : null;
    const user = await this.create(environmentId, assessed?.challenged ? { ...input, email_verified: false } : input);
    if (!assessed) return user;
    assessed.created();
    return { ...user, radar_auth_attempt_id: assessed.attemptId };
  }

  /** Another module's effect of a user's deletion, in the deleting transaction (the API-key module's revocation). */
  onDeleted(hook: SessionRevoker): void {
    this.deletionHooks.push(hook);
  }

  // ---- API for other modules (authenticate, email flows, invitations) ----

  /**
   * Checks a sign-in password (one verification even for an unknown user). After a success an
   * imported or outdated hash is replaced by the platform's argon2id; no event, since the user's
   * wire form does not change.
   */
  async checkPassword(environmentId: string, user: User | null, password: string): Promise<boolean> {
    const stored = user?.passwordHash ?? null;
    const ok = await this.passwords.verify(stored, password);
    if (ok && user && stored && this.passwords.needsRehash(stored)) {
      await this.repo.replacePasswordHash(environmentId, user.id, stored, await this.passwords.hash(password));
    }
    return ok;
  }

  /** The user, or null for an unknown or malformed ID. */
  findById(environmentId: string, id: string): Promise<User | null> {
    return hasIdShape(id, 'user') ? this.repo.findById(environmentId, id) : Promise.resolve(null);
  }

  findByEmail(environmentId: string, email: string): Promise<User | null> {
    return this.repo.findByEmail(environmentId, email);
  }

  async mustFind(environmentId: string, id: string): Promise<User> {
    const user = await this.findById(environmentId, id);
    if (!user) throw new NotFoundError('a user', id);
    return user;
  }

  /** Marks the email verified (idempotent), writing `user.updated` when it changes. */
  async markEmailVerified(environmentId: string, id: string, tx?: Tx): Promise<User> {
    const run = async (t: Tx) => {
      const user = await this.repo.lock(t, environmentId, id);
      if (!user) throw new NotFoundError('a user', id);
      if (user.emailVerified) return user;
      const updated = await this.repo.update(t, environmentId, id, { emailVerified: true });
      await appendToOutbox(t, [userEvent('user.updated', toUserWire(updated), environmentId)]);
      return updated;
    };
    return tx ? run(tx) : this.repo.transaction(run);
  }

  /**
   * Moves the user to an address they proved (an email change's code): `spend` spends the proof
   * in the same transaction, so the proof and the change commit together or not at all. The
   * address is verified by that proof. 409 when another user of the environment has it by now.
   */
  async changeEmail(environmentId: string, id: string, email: string, spend: (tx: Tx) => Promise<void>): Promise<User> {
    return this.conflictsAs409(() => this.repo.transaction(async (tx) => {
      await spend(tx);
      if (!(await this.repo.lock(tx, environmentId, id))) throw new NotFoundError('a user', id);
      const updated = await this.repo.update(tx, environmentId, id, { email, emailVerified: true });
      await appendToOutbox(tx, [userEvent('user.updated', toUserWire(updated), environmentId)]);
      return updated;
    }), { email });
  }

  /** Sets a new password (argon2id), ending every session of the user and writing `user.updated`. */
  async setPassword(environmentId: string, id: string, password: string, tx?: Tx): Promise<User> {
    const passwordHash = await this.passwords.hash(password);
    const run = async (t: Tx) => {
      if (!(await this.repo.lock(t, environmentId, id))) throw new NotFoundError('a user', id);
      await this.revokeSessions(t, environmentId, id);
      const updated = await this.repo.update(t, environmentId, id, { passwordHash });
      await appendToOutbox(t, [userEvent('user.updated', toUserWire(updated), environmentId)]);
      return updated;
    };
    return tx ? run(tx) : this.repo.transaction(run);
  }

  private revokeSessions(tx: Tx, environmentId: string, userId: string): Promise<void> {
    if (!this.sessionRevoker) throw new Error('UsersService: no session revoker registered (SessionsModule sets it)');
    return this.sessionRevoker(tx, environmentId, userId);
  }

  /** Records a successful sign-in (no event: WorkOS does not emit user.updated for it). */
  async touchSignIn(tx: Tx, environmentId: string, id: string, at: Date): Promise<User> {
    return tx.user.update({ where: { id, environmentId }, data: { lastSignInAt: at } });
  }

  // ---- REST ----

  async list(environmentId: string, query: ListUsersQuery): Promise<ListEnvelope<UserWire>> {
    const org = query.organization_id ?? query.organization;
    const userIds = org && this.memberLookup ? await this.memberLookup(environmentId, org) : undefined;
    const page = await paginate(query, (req) => this.repo.list(environmentId, { email: query.email, emailPrefix: query.search, userIds }, req));
    return toListEnvelope(page, toUserWire);
  }

  async get(environmentId: string, id: string): Promise<UserWire> {
    return toUserWire(await this.mustFind(environmentId, id));
  }

  async getByExternalId(environmentId: string, externalId: string): Promise<UserWire> {
    const user = await this.repo.findByExternalId(environmentId, externalId);
    if (!user) throw new NotFoundError('a user', externalId);
    return toUserWire(user);
  }

  async create(environmentId: string, input: CreateUserInput): Promise<UserWire> {
    const now = new Date();
    const data: Prisma.UserUncheckedCreateInput = {
      id: newId('user'),
      environmentId,
      email: input.email,
      emailVerified: input.email_verified ?? false,
      firstName: input.first_name ?? null,
      lastName: input.last_name ?? null,
      name: input.name ?? joinName(input.first_name, input.last_name),
      locale: input.locale ?? null,
      externalId: input.external_id ?? null,
      metadata: dropNulls(input.metadata ?? {}),
      passwordHash: await this.passwordHashFor(input),
      createdAt: now,
      updatedAt: now,
    };
    const user = await this.conflictsAs409(() => this.repo.create(data, (u) => [userEvent('user.created', toUserWire(u), environmentId)]), input);
    return toUserWire(user);
  }

  async update(environmentId: string, id: string, input: UpdateUserInput): Promise<UserWire> {
    if (!hasIdShape(id, 'user')) throw new NotFoundError('a user', id);
    const passwordHash = await this.passwordHashFor(input);
    return this.conflictsAs409(() => this.repo.transaction(async (tx) => {
      const current = await this.repo.lock(tx, environmentId, id);
      if (!current) throw new NotFoundError('a user', id);
      const data: Prisma.UserUncheckedUpdateInput = {};
      if (input.email !== undefined && input.email !== current.email) {
        data.email = input.email;
        // A new address is unverified unless the caller says otherwise.
        data.emailVerified = input.email_verified ?? false;
      } else if (input.email_verified !== undefined) data.emailVerified = input.email_verified;
      if (input.first_name !== undefined) data.firstName = input.first_name;
      if (input.last_name !== undefined) data.lastName = input.last_name;
      if (input.name !== undefined) data.name = input.name;
      if (input.locale !== undefined) data.locale = input.locale;
      if (input.external_id !== undefined) data.externalId = input.external_id;
      if (passwordHash !== null) data.passwordHash = passwordHash;
      // A new password ends every session, as a reset does (review L11).
      if (passwordHash !== null) await this.revokeSessions(tx, environmentId, id);
      if (input.metadata !== undefined) data.metadata = mergeMetadata(current.metadata as Record<string, string>, input.metadata);
      const user = await this.repo.update(tx, environmentId, id, data);
      const wire = toUserWire(user);
      await appendToOutbox(tx, [userEvent('user.updated', wire, environmentId)]);
      return wire;
    }), input);
  }

  async delete(environmentId: string, id: string): Promise<void> {
    if (!hasIdShape(id, 'user')) throw new NotFoundError('a user', id);
    await this.repo.transaction(async (tx) => {
      const user = await this.repo.lock(tx, environmentId, id);
      if (!user) throw new NotFoundError('a user', id);
      // Sessions, refresh tokens, memberships and factors go with the user (ON DELETE CASCADE).
      await this.repo.delete(tx, environmentId, id);
      // After the cascade took the memberships' row locks, so a key created under one concurrently is seen.
      for (const hook of this.deletionHooks) await hook(tx, environmentId, id);
      await appendToOutbox(tx, [userEvent('user.deleted', toUserWire(user), environmentId)]);
    });
  }

  private async passwordHashFor(input: { password?: string; password_hash?: string; password_hash_type?: string }): Promise<string | null> {
    if (input.password !== undefined) return this.passwords.hash(input.password);
    if (input.password_hash !== undefined) return this.passwords.importHash(input.password_hash, input.password_hash_type!);
    return null;
  }

  private async conflictsAs409<T>(write: () => Promise<T>, input: { email?: string; external_id?: string | null }): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err, 'email')) throw new ConflictError('user_already_exists', `A user with the email ${input.email} already exists.`);
      if (isUniqueViolation(err, 'external_id')) throw new ConflictError('external_id_already_in_use', `A user with the external_id ${input.external_id} already exists.`);
      throw err;
    }
  }
}

function joinName(first?: string | null, last?: string | null): string | null {
  const n = [first, last].filter(Boolean).join(' ');
  return n || null;
}

function dropNulls(m: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).filter((e): e is [string, string] => e[1] !== null && e[1] !== ''));
}

/** Metadata updates merge: a key set to null or "" is removed, others are set. */
function mergeMetadata(current: Record<string, string>, patch: Record<string, string | null>): Record<string, string> {
  const result = dropNulls({ ...current, ...patch });
  if (Object.keys(result).length > 50) {
    throw new ValidationError([{ field: 'metadata', code: 'metadata_too_many_keys', message: 'A user can hold at most 50 metadata keys.' }]);
  }
  return result;
}
