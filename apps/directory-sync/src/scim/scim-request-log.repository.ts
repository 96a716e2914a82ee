import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';
import { prepared } from '../infra/sql';
import type { ScimRequestWire } from './scim-requests.dto';

/** How many requests each directory keeps. */
export const SCIM_REQUESTS_KEPT = 50;

export interface ScimRequestEntry {
  environmentId: string;
  directoryId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  error: string | null;
  quirks: string[];
}

/** A request as the reads select it: `quirks` as json, created_at as epoch milliseconds. */
export interface ScimRequestRow {
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  error: string | null;
  quirks: string[];
  created_ms: number;
}

/** The only SQL caller for scim_request_log. */
@Injectable()
export class ScimRequestLogRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Appends one request and drops the directory's older ones beyond the newest SCIM_REQUESTS_KEPT,
   * in one statement (the DELETE sees the rows before this INSERT, so it keeps KEPT - 1 of them).
   */
  async append(e: ScimRequestEntry): Promise<void> {
    await this.prisma.pool.query(
      `WITH added AS (
         INSERT INTO scim_request_log (environment_id, directory_id, method, path, status, duration_ms, error, quirks)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id)
       DELETE FROM scim_request_log WHERE directory_id = $2 AND id <= (
         SELECT id FROM scim_request_log WHERE directory_id = $2 ORDER BY id DESC OFFSET ${SCIM_REQUESTS_KEPT - 1} LIMIT 1)`,
      [e.environmentId, e.directoryId, e.method, e.path, e.status, e.durationMs, e.error, e.quirks],
    );
  }

  /**
   * Newest first; read by every cold render of the Admin Portal's Directory Sync page. Served by
   * scim_request_log_directory_idx (directory_id, id DESC): at most SCIM_REQUESTS_KEPT entries,
   * environment_id checked on each. A named prepared statement; `quirks` comes as json (pg hands
   * it to JSON.parse instead of its text[] parser) and created_at as epoch milliseconds (exact:
   * the column keeps ms), so Node parses no timestamp text per row. Building the objects in SQL
   * (json_agg) was tried: less Node CPU, but more Postgres CPU than it saved.
   */
  async recent(environmentId: string, directoryId: string): Promise<ScimRequestWire[]> {
    const { rows } = await this.prisma.pool.query<ScimRequestRow>(
      prepared(
        `SELECT method, path, status, duration_ms, error, to_json(quirks) AS quirks, (extract(epoch FROM created_at) * 1000)::float8 AS created_ms FROM scim_request_log
         WHERE environment_id = $1 AND directory_id = $2 ORDER BY id DESC LIMIT ${SCIM_REQUESTS_KEPT}`,
        [environmentId, directoryId],
      ),
    );
    return rows.map(toScimRequestWire);
  }
}

export function toScimRequestWire(r: ScimRequestRow): ScimRequestWire {
  return { object: 'scim_request', method: r.method, path: r.path, status: r.status, duration_ms: r.duration_ms, error: r.error, quirks: r.quirks, created_at: new Date(r.created_ms).toISOString() };
}
