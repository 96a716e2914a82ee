import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, NotFoundError, ValidationError, newUlid, toFieldErrors } from '@wos/platform';
import { ConsoleRepository, ROLES, type Member, type Role } from '../console/console.repository';
import { UpstreamClient } from '../upstream/upstream.client';

const emailSchema = z.string().trim().toLowerCase().max(320).email();
const roleSchema = z.enum(ROLES as [Role, ...Role[]]);

/**
 * Members of the console. Invariants: emails are stored lowercased and unique; the last owner
 * can be neither demoted nor removed (the console would have nobody to manage it); a new member
 * gets an AuthKit invitation in the built-in environment (sign-up there is invitation-only), so
 * the address they sign in with is one they proved they read.
 */
@Injectable()
export class MembersService {
  constructor(
    private readonly repo: ConsoleRepository,
    private readonly upstream: UpstreamClient,
  ) {}

  list(): Promise<Member[]> {
    return this.repo.members();
  }

  async add(invitedBy: string, email: string, role: string): Promise<Member> {
    const parsed = z.object({ email: emailSchema, role: roleSchema }).safeParse({ email, role });
    if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error.issues));
    if (await this.repo.memberByEmail(parsed.data.email)) throw new DomainError(409, 'member_exists', `${parsed.data.email} is already a member.`);
    const install = await this.repo.installation();
    if (!install) throw new DomainError(503, 'not_bootstrapped', 'Run wos dashboard bootstrap first.');
    const users = await this.upstream.must<{ data: unknown[] }>('identity', install.environmentId, 'GET', `/user_management/users?email=${encodeURIComponent(parsed.data.email)}`);
    if (!users.data.length) await this.upstream.must('identity', install.environmentId, 'POST', '/user_management/invitations', { body: { email: parsed.data.email } });
    return this.repo.createMember({ id: `member_${newUlid()}`, email: parsed.data.email, role: parsed.data.role, invitedBy });
  }

  async setRole(id: string, role: string): Promise<Member> {
    const parsed = roleSchema.safeParse(role);
    if (!parsed.success) throw new ValidationError([{ field: 'role', code: 'invalid_role', message: `role must be one of ${ROLES.join(', ')}.` }]);
    const m = await this.member(id);
    if (m.role === 'owner' && parsed.data !== 'owner' && (await this.repo.countOwners()) <= 1) throw new DomainError(422, 'last_owner', 'The last owner cannot be demoted: make someone else owner first.');
    await this.repo.setRole(id, parsed.data);
    return m;
  }

  async remove(id: string): Promise<Member> {
    const m = await this.member(id);
    if (m.role === 'owner' && (await this.repo.countOwners()) <= 1) throw new DomainError(422, 'last_owner', 'The last owner cannot be removed.');
    await this.repo.deleteMember(id);
    return m;
  }

  private async member(id: string): Promise<Member> {
    const m = id.length <= 64 ? await this.repo.memberById(id) : null;
    if (!m) throw new NotFoundError('a member', id);
    return m;
  }
}
