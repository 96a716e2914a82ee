import { Injectable } from '@nestjs/common';
import { newId, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import { Prisma, type ConnectApplication, type ConnectAuthorization } from '../generated/prisma/client';

export type AuthorizationWithApplication = ConnectAuthorization & { application: ConnectApplication };

interface AuthorizationRecord {
  id: string;
  environment_id: string;
  user_id: string;
  application_id: string;
  resource: string;
  granted_scopes: string[];
  created_at: Date;
  updated_at: Date;
}

const toAuthorization = (r: AuthorizationRecord): ConnectAuthorization => ({
  id: r.id,
  environmentId: r.environment_id,
  userId: r.user_id,
  applicationId: r.application_id,
  resource: r.resource,
  grantedScopes: r.granted_scopes,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The only caller of connect_authorizations. Every method takes the environment first. */
@Injectable()
export class AuthorizedApplicationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Adds what a grant gave to the user's authorization of the application (scopes only ever grow here). */
  async record(environmentId: string, userId: string, applicationId: string, entries: { resource: string; scopes: string[] }[]): Promise<void> {
    for (const e of entries) {
      await this.prisma.pool.query(
        `INSERT INTO connect_authorizations (id, environment_id, user_id, application_id, resource, granted_scopes)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (environment_id, user_id, application_id, resource) DO UPDATE
           SET granted_scopes = ARRAY(SELECT DISTINCT s FROM unnest(connect_authorizations.granted_scopes || EXCLUDED.granted_scopes) AS s ORDER BY s),
               updated_at = now()`,
        [newId('authorized_connect_app'), environmentId, userId, applicationId, e.resource, e.scopes],
      );
    }
  }

  /** A page of authorizations of one user, or of every member (any status) of one organization. */
  async page(environmentId: string, who: { userId: string } | { organizationId: string }, req: PageRequest): Promise<AuthorizationWithApplication[]> {
    const whose = 'userId' in who
      ? Prisma.sql`a.user_id = ${who.userId}`
      : Prisma.sql`a.user_id IN (SELECT user_id FROM organization_memberships WHERE environment_id = ${environmentId} AND organization_id = ${who.organizationId})`;
    const after = req.cursor ? Prisma.sql`AND a.id ${req.cursor.op === 'gt' ? Prisma.raw('>') : Prisma.raw('<')} ${req.cursor.id}` : Prisma.empty;
    const rows = await this.prisma.$queryRaw<AuthorizationRecord[]>`
      SELECT a.id, a.environment_id, a.user_id, a.application_id, a.resource, a.granted_scopes, a.created_at, a.updated_at
        FROM connect_authorizations a
       WHERE a.environment_id = ${environmentId} AND ${whose} ${after}
       ORDER BY a.id ${req.direction === 'asc' ? Prisma.raw('ASC') : Prisma.raw('DESC')} LIMIT ${req.take}`;
    const apps = await this.prisma.connectApplication.findMany({ where: { environmentId, id: { in: [...new Set(rows.map((r) => r.application_id))] } } });
    const byId = new Map(apps.map((a) => [a.id, a]));
    return rows.flatMap((r) => {
      const application = byId.get(r.application_id);
      return application ? [{ ...toAuthorization(r), application }] : [];
    });
  }

  /**
   * Revokes the user's authorization of an application: its rows, and in the same transaction
   * every authorization-server artefact of the user's grants to that client (grants, codes,
   * opaque access and refresh tokens; oidc-provider asks for consent again next time).
   * `id` is the application's (`conn_app_…`) or one authorization's. False when nothing matched.
   */
  async revoke(environmentId: string, userId: string, id: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.connectAuthorization.findMany({ where: { environmentId, userId, OR: [{ applicationId: id }, { id }] } });
      if (!rows.length) return false;
      const applicationId = rows[0]!.applicationId;
      await tx.connectAuthorization.deleteMany({ where: { environmentId, userId, applicationId } });
      const app = await tx.connectApplication.findFirst({ where: { environmentId, id: applicationId } });
      if (app) {
        await tx.$executeRaw`
          WITH grants AS (
            SELECT payload->>'jti' AS id FROM oauth_artifacts
             WHERE environment_id = ${environmentId} AND model = 'Grant' AND payload->>'accountId' = ${userId} AND payload->>'clientId' = ${app.clientId})
          DELETE FROM oauth_artifacts
           WHERE environment_id = ${environmentId}
             AND (grant_id IN (SELECT id FROM grants) OR (model = 'Grant' AND payload->>'jti' IN (SELECT id FROM grants)))`;
      }
      return true;
    });
  }
}
