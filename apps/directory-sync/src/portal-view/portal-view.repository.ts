import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';
import { prepared } from '../infra/sql';
import type { DirectoryRow } from '../directories/directories.dto';
import type { GroupRow } from '../shared/directory-data.dto';
import { SCIM_REQUESTS_KEPT, type ScimRequestRow } from '../scim/scim-request-log.repository';

/** How many groups the portal's mapping form offers (the page asked `/directory_groups?limit=100`). */
export const PORTAL_GROUPS = 100;

/*
 * The organization's newest directory (as `GET /directories?organization_id=&limit=1` lists it),
 * with its newest SCIM requests (as ScimRequestLogRepository.recent reads them) and its newest
 * groups (as `GET /directory_groups?directory=&limit=100&order=desc` lists them), in one
 * statement: one round trip where three statements in two rounds each cost the service a
 * socket write to Postgres. Every part is scoped by the environment, and the activity belongs to
 * the one directory found under both the environment and the organization.
 */
const PORTAL_VIEW = `
  SELECT d.*,
    (SELECT COALESCE(json_agg(r ORDER BY r.id DESC), '[]') FROM (
       SELECT id, method, path, status, duration_ms, error, quirks, (extract(epoch FROM created_at) * 1000)::float8 AS created_ms
       FROM scim_request_log WHERE environment_id = d.environment_id AND directory_id = d.id ORDER BY id DESC LIMIT ${SCIM_REQUESTS_KEPT}) r) AS portal_requests,
    (SELECT COALESCE(json_agg(g ORDER BY g.id DESC), '[]') FROM (
       SELECT * FROM directory_groups WHERE environment_id = d.environment_id AND directory_id = d.id ORDER BY id DESC LIMIT ${PORTAL_GROUPS}) g) AS portal_groups
  FROM directories d WHERE d.environment_id = $1 AND d.organization_id = $2 ORDER BY d.id DESC LIMIT 1`;

export type PortalViewRow = DirectoryRow & { portal_requests: ScimRequestRow[]; portal_groups: GroupRow[] };

/** The Admin Portal's read of an organization's directory; the only SQL caller for it. */
@Injectable()
export class PortalViewRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Group rows come as JSON: their timestamps are ISO strings (toGroupWire takes either). */
  async newestOfOrganization(environmentId: string, organizationId: string): Promise<PortalViewRow | null> {
    const { rows } = await this.prisma.pool.query<PortalViewRow>(prepared(PORTAL_VIEW, [environmentId, organizationId]));
    return rows[0] ?? null;
  }
}
