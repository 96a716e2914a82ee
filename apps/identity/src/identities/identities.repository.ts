import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';
import type { Identity, Prisma } from '../generated/prisma/client';

/** The only caller of the identities table. Every method takes the environment first. */
@Injectable()
export class IdentitiesRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(environmentId: string, connectionId: string, idpId: string): Promise<Identity | null> {
    return this.prisma.identity.findUnique({ where: { environmentId_connectionId_idpId: { environmentId, connectionId, idpId } } });
  }

  /**
   * Links the identity to the user unless it is linked already (to anyone), inside the caller's
   * transaction. Returns the user the identity belongs to afterwards.
   */
  async link(tx: Prisma.TransactionClient, row: { environmentId: string; connectionId: string; idpId: string; userId: string; connectionType: string }): Promise<string> {
    const inserted = await tx.$queryRaw<{ user_id: string }[]>`
      INSERT INTO identities (environment_id, connection_id, idp_id, user_id, connection_type, created_at)
      VALUES (${row.environmentId}, ${row.connectionId}, ${row.idpId}, ${row.userId}, ${row.connectionType}, now())
      ON CONFLICT (environment_id, connection_id, idp_id) DO NOTHING
      RETURNING user_id`;
    if (inserted[0]) return inserted[0].user_id;
    const existing = await tx.identity.findUnique({ where: { environmentId_connectionId_idpId: { environmentId: row.environmentId, connectionId: row.connectionId, idpId: row.idpId } } });
    return existing!.userId;
  }

  listForUser(environmentId: string, userId: string): Promise<Identity[]> {
    return this.prisma.identity.findMany({ where: { environmentId, userId }, orderBy: { createdAt: 'asc' } });
  }
}
