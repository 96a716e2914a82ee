import { Injectable } from '@nestjs/common';
import type { Identity, Prisma } from '../generated/prisma/client';
import { UsersService } from '../users/users.service';
import { IdentitiesRepository } from './identities.repository';
import { isOAuthProvider, toIdentityWire, type IdentityWire } from './identities.dto';

/**
 * SSO and OAuth identities: `(connection, idp_id)` → user. Invariant: an identity is linked to a
 * user only by the sign-in service after the email is vouched for or proven (authkit/sso-sign-in);
 * once linked it keeps signing in that user whatever email its IdP asserts later.
 */
@Injectable()
export class IdentitiesService {
  constructor(
    private readonly repo: IdentitiesRepository,
    private readonly users: UsersService,
  ) {}

  find(environmentId: string, connectionId: string, idpId: string): Promise<Identity | null> {
    return this.repo.find(environmentId, connectionId, idpId);
  }

  link(tx: Prisma.TransactionClient, environmentId: string, userId: string, identity: { connectionId: string; connectionType: string; idpId: string }): Promise<string> {
    return this.repo.link(tx, { environmentId, userId, ...identity });
  }

  /** GET /user_management/users/:id/identities: the user's OAuth identities. */
  async listForUser(environmentId: string, userId: string): Promise<IdentityWire[]> {
    await this.users.mustFind(environmentId, userId);
    return (await this.repo.listForUser(environmentId, userId)).filter((i) => isOAuthProvider(i.connectionType)).map(toIdentityWire);
  }
}
