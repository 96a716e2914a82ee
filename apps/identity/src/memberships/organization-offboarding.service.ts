import { Injectable } from '@nestjs/common';
import { claimInbox } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import { SessionsService } from '../sessions/sessions.service';
import { MembershipsService } from './memberships.service';

const CONSUMER = 'identity.organization-deleted';

/**
 * What a deleted organization leaves behind in AuthKit (security review M7): its memberships go
 * (`organization_membership.deleted` each) and the sessions scoped to it, or authenticated through
 * its SSO, are revoked (`session.revoked` each). Access tokens already issued lapse on their own
 * (ACCESS_TOKEN_TTL_SECONDS); refreshing into the organization fails, as there is no membership.
 * Invariant: the inbox claim and the effect commit together, so a redelivered event changes nothing.
 */
@Injectable()
export class OrganizationOffboarding {
  constructor(
    private readonly prisma: PrismaService,
    private readonly memberships: MembershipsService,
    private readonly sessions: SessionsService,
  ) {}

  /** Null when the event was handled before. */
  organizationDeleted(environmentId: string, organizationId: string, eventId: string): Promise<{ memberships: number; sessions: number } | null> {
    return this.prisma.$transaction(async (tx) => {
      if (!(await claimInbox(tx, CONSUMER, eventId))) return null;
      const memberships = await this.memberships.removeAllOf(tx, environmentId, organizationId);
      const sessions = await this.sessions.revokeForOrganization(tx, environmentId, organizationId);
      return { memberships, sessions };
    });
  }
}
