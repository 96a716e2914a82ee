import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';
import type { OrganizationMembership, User } from '../generated/prisma/client';
import { fromRow as membershipFromRow, MEMBERSHIP_COLUMNS, type MembershipRow } from '../memberships/memberships.repository';
import { userFromRow, type UserRow } from '../users/users.repository';

/**
 * What the gates after a credential check decide on, read with the user in one statement: the
 * user's TOTP factors (the MFA gate: only their IDs and types, never their secrets) and active
 * memberships (organization selection). Valid for `userId` only, and as of the read: a gate that
 * changes the sign-in's user, or a grant that creates a membership after the read (an invitation
 * accepted at sign-in), reads again instead (AuthenticateService.resolve).
 */
export interface SignInSnapshot {
  userId: string;
  totpFactors: { id: string; type: string }[];
  activeMemberships: OrganizationMembership[];
}

/*
 * One round trip, on the (environment_id, email) unique index, then the user's factors on
 * (environment_id, user_id, id) and memberships on the memberships' (environment_id, user_id,
 * organization_id) unique index. Ordered by ID like MfaRepository.totpFactorsOfUser and
 * MembershipsRepository.activeForUser, which the other grants still use.
 */
export const SUBJECT_BY_EMAIL = `SELECT u.*,
    ARRAY(SELECT f.id FROM auth_factors f WHERE f.environment_id = u.environment_id AND f.user_id = u.id AND f.type = 'totp' ORDER BY f.id) AS totp_factor_ids,
    (SELECT coalesce(json_agg(row_to_json(x) ORDER BY x.id), '[]'::json) FROM (
       SELECT ${MEMBERSHIP_COLUMNS} FROM organization_memberships m WHERE m.environment_id = u.environment_id AND m.user_id = u.id AND m.status = 'active') x) AS active_memberships
  FROM users u WHERE u.environment_id = $1 AND u.email = $2`;

type SubjectRow = UserRow & { totp_factor_ids: string[]; active_memberships: MembershipRow[] };

@Injectable()
export class SignInSubjectRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The user of `email` (any case) with its sign-in snapshot, or null: one named prepared statement. */
  async byEmail(environmentId: string, email: string): Promise<{ user: User; snapshot: SignInSnapshot } | null> {
    const { rows } = await this.prisma.pool.query<SubjectRow>({ name: 'sign_in_subject_by_email', text: SUBJECT_BY_EMAIL, values: [environmentId, email.toLowerCase()] });
    const r = rows[0];
    if (!r) return null;
    const { totp_factor_ids: factorIds, active_memberships: memberships, ...userRow } = r;
    return {
      user: userFromRow(userRow),
      snapshot: { userId: r.id, totpFactors: factorIds.map((id) => ({ id, type: 'totp' })), activeMemberships: memberships.map(membershipFromRow) },
    };
  }
}
