import { Injectable } from '@nestjs/common';
import type { PageRequest } from '@wos/platform';
import type { PoolClient } from 'pg';
import { PrismaService } from '../infra/prisma.service';
import { prepared, type Sql } from '../infra/sql';
import type { DirectoryRow, IssuedToken } from './directories.dto';
import type { RoleMapping } from '../shared/directory-roles';

/** The only SQL caller for directories. Every method takes the environment, except the SCIM lookup by id (see findForScim). */
@Injectable()
export class DirectoriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  get pool() {
    return this.prisma.pool;
  }

  async findById(environmentId: string, id: string, db: Sql = this.pool): Promise<DirectoryRow | null> {
    const { rows } = await db.query<DirectoryRow>(prepared('SELECT * FROM directories WHERE id = $1 AND environment_id = $2', [id, environmentId]));
    return rows[0] ?? null;
  }

  /**
   * SCIM requests carry no environment: the directory row found by its id is where the
   * environment comes from (the caller then checks the bearer token against its hash).
   */
  async findForScim(id: string): Promise<DirectoryRow | null> {
    const { rows } = await this.pool.query<DirectoryRow>(prepared("SELECT * FROM directories WHERE id = $1 AND state <> 'deleting'", [id]));
    return rows[0] ?? null;
  }

  async lock(client: PoolClient, environmentId: string, id: string): Promise<DirectoryRow | null> {
    const { rows } = await client.query<DirectoryRow>('SELECT * FROM directories WHERE id = $1 AND environment_id = $2 FOR UPDATE', [id, environmentId]);
    return rows[0] ?? null;
  }

  async list(environmentId: string, filters: { organizationId?: string; search?: string; domain?: string }, page: PageRequest): Promise<DirectoryRow[]> {
    const where = ['environment_id = $1'];
    const values: unknown[] = [environmentId];
    const add = (sql: string, v: unknown) => {
      values.push(v);
      where.push(sql.replace('?', `$${values.length}`));
    };
    if (filters.organizationId) add('organization_id = ?', filters.organizationId);
    if (filters.search) add("name ILIKE ? ESCAPE '\\'", `%${filters.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
    if (filters.domain) add('domain = ?', filters.domain.toLowerCase());
    if (page.cursor) add(`id ${page.cursor.op === 'gt' ? '>' : '<'} ?`, page.cursor.id);
    values.push(page.take);
    // The filters make a handful of texts, each a named prepared statement (the portal reads it on every cold render).
    const { rows } = await this.pool.query<DirectoryRow>(
      prepared(`SELECT * FROM directories WHERE ${where.join(' AND ')} ORDER BY id ${page.direction === 'asc' ? 'ASC' : 'DESC'} LIMIT $${values.length}`, values),
    );
    return rows;
  }

  async insert(client: Sql, d: DirectoryRow): Promise<void> {
    await client.query(
      `INSERT INTO directories (id, environment_id, organization_id, name, type, domain, external_key, state, token_hash, token_created_at, token_id, token_suffix, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
      [d.id, d.environment_id, d.organization_id, d.name, d.type, d.domain, d.external_key, d.state, d.token_hash, d.token_created_at, d.token_id, d.token_suffix, d.created_at],
    );
  }

  async setToken(client: PoolClient, environmentId: string, id: string, token: IssuedToken): Promise<DirectoryRow> {
    const { rows } = await client.query<DirectoryRow>(
      'UPDATE directories SET token_hash = $3, token_created_at = $4, token_id = $5, token_suffix = $6, updated_at = $4 WHERE id = $1 AND environment_id = $2 RETURNING *',
      [id, environmentId, token.token_hash, token.token_created_at, token.token_id, token.token_suffix],
    );
    return rows[0]!;
  }

  /** Flips unlinked → linked once; null when another request already did. */
  async activate(client: PoolClient, environmentId: string, id: string, at: Date): Promise<DirectoryRow | null> {
    const { rows } = await client.query<DirectoryRow>(
      "UPDATE directories SET state = 'linked', updated_at = $3 WHERE id = $1 AND environment_id = $2 AND state = 'unlinked' RETURNING *",
      [id, environmentId, at],
    );
    return rows[0] ?? null;
  }

  async setProvisioning(environmentId: string, id: string, users: boolean, groups: boolean, at: Date): Promise<boolean> {
    const r = await this.pool.query('UPDATE directories SET user_provisioning = $3, group_provisioning = $4, updated_at = $5 WHERE id = $1 AND environment_id = $2', [
      id,
      environmentId,
      users,
      groups,
      at,
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  async setRoleMappings(client: PoolClient, environmentId: string, id: string, mappings: RoleMapping[], at: Date): Promise<void> {
    await client.query('UPDATE directories SET role_mappings = $3::jsonb, updated_at = $4 WHERE id = $1 AND environment_id = $2', [id, environmentId, JSON.stringify(mappings), at]);
  }

  async lockByOrganization(client: PoolClient, environmentId: string, organizationId: string): Promise<DirectoryRow[]> {
    const { rows } = await client.query<DirectoryRow>('SELECT * FROM directories WHERE environment_id = $1 AND organization_id = $2 ORDER BY id FOR UPDATE', [environmentId, organizationId]);
    return rows;
  }

  /** Users, groups and memberships go with it (ON DELETE CASCADE). */
  async delete(client: PoolClient, environmentId: string, id: string): Promise<void> {
    await client.query('DELETE FROM directories WHERE id = $1 AND environment_id = $2', [id, environmentId]);
  }
}
