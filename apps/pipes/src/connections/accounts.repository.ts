import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { appendToOutbox, claimInbox, pgExecutor, pgTransaction, type OutboxMessage } from '@wos/platform';
import { Prisma, type ConnectedAccount, type DataIntegration, type OrganizationIntegrationConfig } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';
import { TokenLookupCache, type TokenLookup, type TokenLookupKey } from '../integrations/token-lookup.cache';
import { oweVaultDeletions } from './vault-deletions.repository';

export type AccountWrite = Omit<ConnectedAccount, 'createdAt' | 'updatedAt' | 'config' | 'tokenVersion'> & { config: Record<string, string> };

/** What the holder of an account's row lock may change (TokensService's refresh). */
export interface LockedAccount {
  row: ConnectedAccount;
  update(changes: { expiresAt?: Date | null; scopes?: string[]; state?: string; refreshFailures?: number; retryRefreshAt?: Date | null; lastRefreshError?: string | null; bumpVersion?: boolean }, events?: (a: ConnectedAccount) => OutboxMessage[]): Promise<ConnectedAccount>;
}

/** The only database caller for connected accounts. Every method takes the environment first. */
@Injectable()
export class AccountsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly lookups: TokenLookupCache,
  ) {
    lookups.setLoader((k) => this.readForToken(k));
  }

  /** The token path's lookup, from the per-process cache (TokenLookupCache) or, on a miss, readForToken. */
  findForToken(environmentId: string, slug: string, ownership: string, ownerKey: string, organizationId: string | null): Promise<TokenLookup | null> {
    return this.lookups.get({ environmentId, slug, ownership, ownerKey, organizationId });
  }

  /**
   * The token path's one read: the integration, the owner's account and the organization's
   * settings in one named prepared statement (the hot path of getAccessToken; DESIGN facts: a
   * prepared statement on the pool costs far less than Prisma's unnamed ones). Null when the
   * integration does not exist.
   */
  private async readForToken({ environmentId, slug, ownership, ownerKey, organizationId }: TokenLookupKey): Promise<TokenLookup | null> {
    const { rows } = await this.prisma.pool.query({
      name: 'pipes_token_lookup',
      text: `SELECT row_to_json(i) AS integration, row_to_json(a) AS account, row_to_json(c) AS org_config
             FROM data_integrations i
             LEFT JOIN connected_accounts a ON a.environment_id = i.environment_id AND a.data_integration_id = i.id AND a.owner_key = $4
             LEFT JOIN organization_integration_configs c ON c.environment_id = i.environment_id AND c.organization_id = $5 AND c.slug = i.slug
             WHERE i.environment_id = $1 AND i.slug = $2 AND i.ownership = $3`,
      values: [environmentId, slug, ownership, ownerKey, organizationId],
    });
    const r = rows[0] as { integration: Record<string, unknown>; account: Record<string, unknown> | null; org_config: Record<string, unknown> | null } | undefined;
    if (!r) return null;
    return { integration: integrationFromJson(r.integration), account: r.account ? fromRow(r.account) : null, orgConfig: r.org_config ? orgConfigFromJson(r.org_config) : null };
  }

  findByOwner(environmentId: string, dataIntegrationId: string, ownerKey: string): Promise<ConnectedAccount | null> {
    return this.prisma.connectedAccount.findUnique({ where: { environmentId_dataIntegrationId_ownerKey: { environmentId, dataIntegrationId, ownerKey } } });
  }

  findForOwner(environmentId: string, dataIntegrationIds: string[], ownerKey: string): Promise<ConnectedAccount[]> {
    return this.prisma.connectedAccount.findMany({ where: { environmentId, ownerKey, dataIntegrationId: { in: dataIntegrationIds } } });
  }

  /** Creates or replaces the owner's compatibility connection, with its events, in one transaction. */
  async upsert(environmentId: string, a: AccountWrite, events: (saved: ConnectedAccount, previous: ConnectedAccount | null) => OutboxMessage[]): Promise<ConnectedAccount> {
    return this.writing(environmentId, async (tx) => {
      const previous = await tx.connectedAccount.findUnique({ where: { environmentId_dataIntegrationId_ownerKey: { environmentId, dataIntegrationId: a.dataIntegrationId, ownerKey: a.ownerKey } } });
      const now = new Date();
      const { id, ...rest } = a;
      const saved = previous
        ? await tx.connectedAccount.update({ where: { id: previous.id }, data: { ...rest, tokenVersion: { increment: 1 }, updatedAt: now } })
        : await tx.connectedAccount.create({ data: { id, ...rest, environmentId, createdAt: now, updatedAt: now } });
      await appendToOutbox(tx, events(saved, previous));
      return saved;
    });
  }

  /** A new integration, and its first installation when one came with it, in one transaction. */
  async createIntegration(integration: Prisma.DataIntegrationCreateInput, installation: AccountWrite | null, events: (a: ConnectedAccount) => OutboxMessage[]): Promise<{ integration: DataIntegration; installation: ConnectedAccount | null }> {
    return this.writing(integration.environmentId, async (tx) => {
      const created = await tx.dataIntegration.create({ data: integration });
      if (!installation) return { integration: created, installation: null };
      const now = new Date();
      const account = await tx.connectedAccount.create({ data: { ...installation, createdAt: now, updatedAt: now } });
      await appendToOutbox(tx, events(account));
      return { integration: created, installation: account };
    });
  }

  /** Deletes an account with its event and its owed Vault deletion; null when it was already gone. */
  async delete(environmentId: string, id: string, event: (a: ConnectedAccount) => OutboxMessage): Promise<ConnectedAccount | null> {
    return this.writing(environmentId, async (tx) => {
      const found = await tx.connectedAccount.findFirst({ where: { environmentId, id } });
      if (!found) return null;
      await tx.connectedAccount.delete({ where: { id } });
      await appendToOutbox(tx, [event({ ...found, state: 'disconnected', updatedAt: new Date() })]);
      await oweVaultDeletions(tx, environmentId, [found.vaultObjectId]);
      return found;
    });
  }

  /** Deletes an integration and its accounts, each with its event and its owed Vault deletion; the deleted accounts, or null when the integration was gone. */
  async deleteIntegration(environmentId: string, integrationId: string, event: (a: ConnectedAccount) => OutboxMessage): Promise<ConnectedAccount[] | null> {
    return this.writing(environmentId, async (tx) => {
      const accounts = await tx.connectedAccount.findMany({ where: { environmentId, dataIntegrationId: integrationId } });
      const { count } = await tx.dataIntegration.deleteMany({ where: { environmentId, id: integrationId } });
      if (!count) return null;
      const now = new Date();
      await appendToOutbox(tx, accounts.map((a) => event({ ...a, state: 'disconnected', updatedAt: now })));
      await oweVaultDeletions(tx, environmentId, accounts.map((a) => a.vaultObjectId));
      return accounts;
    });
  }

  /** Sets an account's state with its event, unless it already has that state. */
  async setState(environmentId: string, id: string, state: string, event: (a: ConnectedAccount) => OutboxMessage): Promise<void> {
    await this.writing(environmentId, async (tx) => {
      const { count } = await tx.connectedAccount.updateMany({ where: { environmentId, id, state: { not: state } }, data: { state, updatedAt: new Date(), tokenVersion: { increment: 1 } } });
      if (count) await appendToOutbox(tx, [event((await tx.connectedAccount.findUniqueOrThrow({ where: { id } })))]);
    });
  }

  /**
   * Runs `fn` holding the account's row lock (SELECT … FOR UPDATE) in one transaction: across
   * every replica, one holder at a time; the others wait and then read what it committed.
   * A plain pg transaction: the provider call inside must not race Prisma's interactive timeout.
   */
  async withLock<T>(environmentId: string, id: string, fn: (locked: LockedAccount | null) => Promise<T>): Promise<T> {
    let ownerKey: string | undefined;
    try {
      return await this.lockAndRun(environmentId, id, fn, (k) => (ownerKey = k));
    } finally {
      if (ownerKey !== undefined) this.lookups.accountChanged(environmentId, ownerKey);
    }
  }

  private lockAndRun<T>(environmentId: string, id: string, fn: (locked: LockedAccount | null) => Promise<T>, found: (ownerKey: string) => void): Promise<T> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const { rows } = await client.query('SELECT * FROM connected_accounts WHERE environment_id = $1 AND id = $2 FOR UPDATE', [environmentId, id]);
      if (!rows[0]) return fn(null);
      let row = fromRow(rows[0]);
      found(row.ownerKey);
      const locked: LockedAccount = {
        get row() {
          return row;
        },
        update: async (c, events) => {
          row = await updateLocked(client, row, c);
          if (events) await appendToOutbox(pgExecutor(client), events(row));
          return row;
        },
      };
      return fn(locked);
    });
  }

  /** organization.deleted: the organization's accounts become disconnected (their secrets are shredded in Vault), once per event. */
  async disconnectOrganization(environmentId: string, organizationId: string, inbox: { consumer: string; eventId: string }, event: (a: ConnectedAccount) => OutboxMessage): Promise<ConnectedAccount[]> {
    return this.writingPg(environmentId, async (client) => {
      const raw = pgExecutor(client);
      if (!(await claimInbox(raw, inbox.consumer, inbox.eventId))) return [];
      const { rows } = await client.query(
        `UPDATE connected_accounts SET state = 'disconnected', vault_object_id = NULL, expires_at = NULL, token_version = token_version + 1, updated_at = now()
         WHERE environment_id = $1 AND organization_id = $2 AND state <> 'disconnected' RETURNING *`,
        [environmentId, organizationId],
      );
      const accounts = rows.map(fromRow).sort((a, b) => (a.id < b.id ? -1 : 1));
      await appendToOutbox(raw, accounts.map(event));
      return accounts;
    });
  }

  /** user.deleted: the user's own connections are deleted (with their events and owed Vault deletions), once per event; returns them so their secrets can go too. */
  async deleteUserAccounts(environmentId: string, userId: string, inbox: { consumer: string; eventId: string }, event: (a: ConnectedAccount) => OutboxMessage): Promise<ConnectedAccount[]> {
    return this.writingPg(environmentId, async (client) => {
      const raw = pgExecutor(client);
      if (!(await claimInbox(raw, inbox.consumer, inbox.eventId))) return [];
      const { rows } = await client.query(`DELETE FROM connected_accounts WHERE environment_id = $1 AND owner_type = 'user' AND user_id = $2 RETURNING *`, [environmentId, userId]);
      const accounts = rows.map(fromRow).sort((a, b) => (a.id < b.id ? -1 : 1));
      const now = new Date();
      await appendToOutbox(raw, accounts.map((a) => event({ ...a, state: 'disconnected', updatedAt: now })));
      await oweVaultDeletions(raw, environmentId, accounts.map((a) => a.vaultObjectId));
      return accounts;
    });
  }

  /*
   * A write in a Prisma transaction, then the environment's cached token lookups dropped at once in
   * this process (committed or not: dropping is always safe); the triggers' NOTIFY drops them on
   * every other replica.
   */
  private async writing<T>(environmentId: string, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    try {
      return await this.prisma.$transaction(fn);
    } finally {
      this.lookups.changed(environmentId);
    }
  }

  /* The same for a plain pg transaction. */
  private async writingPg<T>(environmentId: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    try {
      return await pgTransaction(this.prisma.pool, fn);
    } finally {
      this.lookups.changed(environmentId);
    }
  }
}

async function updateLocked(client: PoolClient, row: ConnectedAccount, c: Parameters<LockedAccount['update']>[0]): Promise<ConnectedAccount> {
  const { rows } = await client.query(
    `UPDATE connected_accounts SET
       expires_at = CASE WHEN $3 THEN $4::timestamptz ELSE expires_at END,
       scopes = COALESCE($5::text[], scopes),
       state = COALESCE($6, state),
       refresh_failures = COALESCE($7, refresh_failures),
       retry_refresh_at = CASE WHEN $8 THEN $9::timestamptz ELSE retry_refresh_at END,
       last_refresh_error = CASE WHEN $10 THEN $11 ELSE last_refresh_error END,
       token_version = token_version + CASE WHEN $12 THEN 1 ELSE 0 END,
       updated_at = now()
     WHERE environment_id = $1 AND id = $2 RETURNING *`,
    [
      row.environmentId,
      row.id,
      c.expiresAt !== undefined,
      c.expiresAt ?? null,
      c.scopes ?? null,
      c.state ?? null,
      c.refreshFailures ?? null,
      c.retryRefreshAt !== undefined,
      c.retryRefreshAt ?? null,
      c.lastRefreshError !== undefined,
      c.lastRefreshError ?? null,
      !!c.bumpVersion,
    ],
  );
  return fromRow(rows[0]);
}

/* Rows arrive as Date (pg) or as ISO strings (row_to_json). */
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(v as string));
const maybeDate = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));

function integrationFromJson(r: Record<string, unknown>): DataIntegration {
  return {
    id: r.id as string,
    environmentId: r.environment_id as string,
    slug: r.slug as string,
    provider: r.provider as string,
    ownership: r.ownership as string,
    description: (r.description as string | null) ?? null,
    enabled: r.enabled as boolean,
    scopes: (r.scopes as string[]) ?? [],
    scopesSet: r.scopes_set as boolean,
    authMethods: (r.auth_methods as string[]) ?? [],
    credentialsType: (r.credentials_type as string | null) ?? null,
    clientId: (r.client_id as string | null) ?? null,
    clientSecretSealed: (r.client_secret_sealed as string | null) ?? null,
    clientSecretLast4: (r.client_secret_last4 as string | null) ?? null,
    customProvider: (r.custom_provider ?? null) as Prisma.JsonValue,
    config: (r.config ?? {}) as Prisma.JsonValue,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

function orgConfigFromJson(r: Record<string, unknown>): OrganizationIntegrationConfig {
  return {
    id: r.id as string,
    environmentId: r.environment_id as string,
    organizationId: r.organization_id as string,
    slug: r.slug as string,
    enabled: r.enabled as boolean,
    scopes: (r.scopes as string[]) ?? [],
    scopesSet: r.scopes_set as boolean,
    clientId: (r.client_id as string | null) ?? null,
    clientSecretSealed: (r.client_secret_sealed as string | null) ?? null,
    clientSecretLast4: (r.client_secret_last4 as string | null) ?? null,
    config: (r.config ?? {}) as Prisma.JsonValue,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

function fromRow(r: Record<string, unknown>): ConnectedAccount {
  return {
    id: r.id as string,
    environmentId: r.environment_id as string,
    dataIntegrationId: r.data_integration_id as string,
    providerSlug: r.provider_slug as string,
    ownerType: r.owner_type as string,
    userId: (r.user_id as string | null) ?? null,
    organizationId: (r.organization_id as string | null) ?? null,
    ownerKey: r.owner_key as string,
    authMethod: r.auth_method as string,
    state: r.state as string,
    scopes: (r.scopes as string[]) ?? [],
    apiKeyLast4: (r.api_key_last4 as string | null) ?? null,
    clientId: (r.client_id as string | null) ?? null,
    clientSecretLast4: (r.client_secret_last4 as string | null) ?? null,
    config: (r.config ?? {}) as Prisma.JsonValue,
    vaultObjectId: (r.vault_object_id as string | null) ?? null,
    tokenVersion: r.token_version as number,
    expiresAt: maybeDate(r.expires_at),
    refreshFailures: r.refresh_failures as number,
    retryRefreshAt: maybeDate(r.retry_refresh_at),
    lastRefreshError: (r.last_refresh_error as string | null) ?? null,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}
